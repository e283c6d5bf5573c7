"""scipy.ndimage.imread (removed in scipy 1.2): scipy.misc.imread's twin, on Pillow."""


def adapt(ndimage):
    from . import add_module_names
    from .scipy_misc import imread
    add_module_names(ndimage, {'imread': imread})
