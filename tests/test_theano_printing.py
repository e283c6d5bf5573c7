"""theano.printing: pprint, debugprint (Theano's layout with legacy_bn's op names), Print."""
import io

import numpy as np

import legacy_bn.theano as theano
import legacy_bn.theano.tensor as T


def _graph():
    x = T.vector('x')
    W = theano.shared(np.ones((2, 2)), name='W')
    return x, T.tanh(T.dot(W, x) + 1) * x


def test_pprint_is_an_infix_text():
    x, y = _graph()
    assert theano.printing.pprint(y) == '(tanh(((W \\dot x) + 1)) * x)'


def test_debugprint_tree_ids_and_types():
    x, y = _graph()
    text = theano.printing.debugprint(y, file='str', print_type=True)
    assert text.splitlines() == [
        "mul [id A] '' <float64, 1d>",
        " |tanh [id B] '' <float64, 1d>",
        " | |add [id C] '' <float64, 1d>",
        " | | |dot [id D] '' <float64, 1d>",
        " | | | |W [id E] '' <float64, 2d>",
        " | | | |x [id F] '' <float64, 1d>",
        " | | |Constant{1} [id G] '' <int64, 0d>",
        " |x [id F] '' <float64, 1d>"]
    out = io.StringIO()
    assert theano.printing.debugprint(theano.function([x], y), file=out) is out
    assert out.getvalue().startswith('mul [id A]')


def test_print_shows_the_value_and_passes_the_gradient(capsys):
    x = T.vector('x')
    shown = theano.printing.Print('x is', attrs=['shape'])(x)
    g = theano.function([x], T.grad((shown ** 2).sum(), x))(np.array([1., 2.]))
    np.testing.assert_array_equal(g, [2., 4.])
    assert 'x is __str__ = shape (2,)' in capsys.readouterr().out
