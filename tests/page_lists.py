"""The pages the app and browser tests go through, all taken from the page registry."""

from explorer.web import registry

#: Every page by name (``"cost_table"``, ``"kmeans"``...).
PAGES = {info.name: info for info in registry.PAGES}
#: The Overview and the Learn pages: they draw the sidebar's pair, nothing else to choose.
PAIR_PAGES = [info.name for info in registry.PAGES if info.section in ("", "Learn")]
#: Pages that draw no chart until the user acts (a run, a training, an upload).
WAIT_FOR_AN_ACTION = {"kmeans", "prediction", "tune_gamma", "your_data"}
