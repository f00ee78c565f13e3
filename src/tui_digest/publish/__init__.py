"""Publishing: the cache's papers out as bilingual digest files a colleague's reader subscribes to.

`day` chooses a day's papers per category, `run` translates and writes, `folder`
owns the folder's layout and index.json, `commands` the `publish` CLI.
"""
