from autodiff import Value


def test_quick_start_gradients():
    a, b = Value(2.0), Value(-3.0)
    c = a * b + b**2
    c.backward()
    assert (a.grad, b.grad) == (-3.0, -4.0)
