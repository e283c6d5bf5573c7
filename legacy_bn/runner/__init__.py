"""The runner's 2015 world: what `python -m legacy_bn SCRIPT.py` puts around a 2015 script.

Nothing here is active on `import legacy_bn`: the runner (legacy_bn/__main__.py) switches it on
for the script and the modules of its own folder tree, never for installed packages or for
legacy_bn itself.
"""
