"""One screen per module: home, review, summary, stats, help, profiles."""
