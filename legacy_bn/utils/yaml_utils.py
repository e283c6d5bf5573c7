"""YAML model configs (Model.to_yaml, models.model_from_yaml); PyYAML is optional.

2015 wrote `yaml.dump(config)` and read with `yaml.load`, which builds any Python
object a file names. Here the reader is PyYAML's safe loader plus the one Python tag
2015's files contain, `!!python/tuple` (shapes and dims are tuples), so old files
load and a config file cannot run code.
"""
import numpy as np


def import_yaml():
    try:
        import yaml
    except ImportError:
        raise ImportError('to_yaml/model_from_yaml need PyYAML: pip install "legacy_bn[yaml]" '
                          '(or pip install pyyaml)') from None
    return yaml


def dump(config):
    """The YAML text of a get_config() dict, as 2015's yaml.dump wrote it."""
    return import_yaml().dump(_plain(config))


def load(text):
    """The config dict in a YAML text written by to_yaml (this or 2015's)."""
    yaml = import_yaml()

    class ConfigLoader(yaml.SafeLoader):
        pass

    ConfigLoader.add_constructor('tag:yaml.org,2002:python/tuple',
                                 lambda loader, node: tuple(loader.construct_sequence(node)))
    _check_expanded_size(yaml.compose(text, Loader=ConfigLoader))
    config = yaml.load(text, Loader=ConfigLoader)
    if not isinstance(config, dict):
        raise ValueError('model_from_yaml: expected a model config (a mapping with a "name"), '
                         'got %s' % type(config).__name__)
    return config


# A model config of 2015 has a few hundred nodes (a large Graph a few thousand). Aliases let
# a 600-byte document stand for billions ("billion laughs"), which every walk over the config
# (deepcopy, rebuilding the layers) would then expand.
MAX_CONFIG_NODES = 200000


def _check_expanded_size(root):
    """Count the nodes of the composed document as if every alias were written out, and stop
    at MAX_CONFIG_NODES: the count never expands more than that."""
    count, stack = 0, [root] if root is not None else []
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_CONFIG_NODES:
            raise ValueError('model_from_yaml: the document expands to more than %d nodes '
                             '(aliases repeated within aliases?); a model config is far smaller'
                             % MAX_CONFIG_NODES)
        if isinstance(node.value, list):
            for item in node.value:
                stack.extend(item if isinstance(item, tuple) else (item,))


def _plain(value):
    """numpy scalars and arrays as Python numbers and lists, so the safe loader reads them."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value
