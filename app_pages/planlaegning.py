"""Planlægning: what-if sliders and planned placements on one year's figures, every target before and
after, what it takes to meet the ones still missed, and named scenarios kept in the store (ui.planner_page)."""

from ui import frame
from ui.data import load_figures
from ui.planner_page import Planner
from ui.settings import config_in_force

config = config_in_force()
Planner(config, frame.meeting_mode(), load_figures()).show()
