"""`e.message` of a caught exception -> `__legacy_bn_exception_message__(e)`.

Python 2.7's BaseException had `.message` (the single argument, else ''); Python 3 dropped
it, and 2015 scripts print it in their `except X, e:` blocks. Only names bound by an
`except` clause of the same file are rewritten, and never as an assignment target."""
from fissix import fixer_base, pytree
from fissix.fixer_util import Call, Name
from fissix.pgen2 import token
from fissix.pygram import python_symbols as syms

HELPER = '__legacy_bn_exception_message__'


class FixExceptionMessage(fixer_base.BaseFix):
    BM_compatible = False
    PATTERN = "power< name=NAME attr=trailer< '.' 'message' > any* >"

    def start_tree(self, tree, filename):
        super().start_tree(tree, filename)
        self.caught = set()
        for node in tree.pre_order():
            if node.type == syms.except_clause and len(node.children) >= 4:
                separator, target = node.children[2], node.children[3]
                if separator.type in (token.COMMA, token.NAME) and target.type == token.NAME:
                    self.caught.add(target.value)

    def transform(self, node, results):
        name = results['name']
        if name.value not in self.caught or self._assigned(node):
            return None
        argument = name.clone()
        argument.prefix = ''
        call = Call(Name(HELPER), [argument], prefix=node.prefix)
        rest = [child.clone() for child in node.children[2:]]
        if not rest:
            return call
        return pytree.Node(syms.power, [call] + rest, prefix=node.prefix)

    @staticmethod
    def _assigned(node):
        parent = node.parent
        return (parent is not None and parent.type == syms.expr_stmt
                and parent.children[0] is node and len(parent.children) > 1
                and parent.children[1].type == token.EQUAL)
