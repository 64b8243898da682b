"""Live monitoring: poll feeds, sitemaps and pages, fetch new articles, code them, alert on watchlists.

- sources.py: the sources.toml file (sources, fetch limits, watchlists, alert outputs)
- fetch.py: one polite HTTP client (limits, retries, per-host pacing, robots.txt)
- discover.py: article links out of a feed, a sitemap or a page
- state.py: the fetch state, event arrival numbers and alerts, as tables beside the store's
- alerts.py: watchlist matching over records and alert delivery (file, webhook)
- pages.py: fetched pages -> Documents (also for `eventwire extract URL`)
- watcher.py: the loop that ties them to the pipeline and the store
"""
