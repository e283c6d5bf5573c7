"""fissix fixers of the runner's own (imported only when a translation is made)."""
