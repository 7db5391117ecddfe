"""Planlægning: what-if sliders and planned placements on one year's figures, every target before and
after, what it takes to meet the ones still missed, and named scenarios kept in the store (ui.planner_page)."""

from csr.config import default_config
from ui import frame
from ui.data import load_figures
from ui.planner_page import Planner

config = default_config()
Planner(config, frame.meeting_mode(), load_figures()).show()
