import cProfile
import sys

import app

PROF = sys.modules.setdefault("_csr_prof", type(sys)("_csr_prof"))
if not hasattr(PROF, "p"):
    PROF.p = cProfile.Profile()
    PROF.on = False
if PROF.on:
    PROF.p.enable()
    app.main()
    PROF.p.disable()
else:
    app.main()
