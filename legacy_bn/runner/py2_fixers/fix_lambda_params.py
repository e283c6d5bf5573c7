"""`lambda (k, v): v` -> `lambda k_v: k_v[1]`: fissix's tuple_params fixer for lambdas only
(for a def it adds a line, which would move the user's line numbers)."""
from fissix.fixes.fix_tuple_params import FixTupleParams


class FixLambdaParams(FixTupleParams):

    def transform(self, node, results):
        if 'lambda' in results:
            return self.transform_lambda(node, results)
        return None
