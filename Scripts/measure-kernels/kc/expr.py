"""The trip-count expression language (reference evaluator).

Grammar (README.md, "Expression language"); all values are integers:

    expr    := or
    or      := and ('||' and)*
    and     := cmp ('&&' cmp)*
    cmp     := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)?
    sum     := product (('+' | '-') product)*
    product := unary (('*' | '/' | '%') unary)*
    unary   := '-' unary | '!' unary | atom
    atom    := integer | name | call | '(' expr ')'
    call    := 'min' '(' expr (',' expr)* ')' | 'max' '(' expr (',' expr)* ')'
             | 'if' '(' expr ',' expr ',' expr ')'
             | 'sum' '(' name ',' expr ',' expr ')'

`/` is floor division and `%` the matching modulo (the result has the divisor's sign); a zero
divisor is an error. Comparisons, `&&`, `||` and `!` give 0 or 1 (any non-zero is true).
`if(c, a, b)` evaluates only the chosen branch. `sum(i, n, e)` is the sum of `e` for i = 0 .. n-1
(0 when n <= 0); `i` is visible only inside `e`.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\s*(?:(\d+)|([A-Za-z_][A-Za-z_0-9]*)|(<=|>=|==|!=|&&|\|\||[-+*/%()<>,!]))")
FUNCTIONS = {"min", "max", "if", "sum"}
MAX_SUM_COUNT = 1 << 20


class ExprError(ValueError):
    pass


def tokenize(text: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"unexpected character at {pos} in {text!r}")
        if m.group(1) is not None:
            out.append(("int", m.group(1)))
        elif m.group(2) is not None:
            out.append(("name", m.group(2)))
        else:
            out.append(("op", m.group(3)))
        pos = m.end()
    out.append(("end", ""))
    return out


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self):
        return self.tokens[self.i]

    def next(self):
        t = self.tokens[self.i]
        self.i += 1
        return t

    def expect(self, op):
        t = self.next()
        if t != ("op", op):
            raise ExprError(f"expected {op!r}, found {t[1]!r} in {self.text!r}")

    def parse(self):
        node = self.or_()
        if self.peek()[0] != "end":
            raise ExprError(f"unexpected {self.peek()[1]!r} in {self.text!r}")
        return node

    def binary(self, sub, ops):
        node = sub()
        while self.peek()[0] == "op" and self.peek()[1] in ops:
            op = self.next()[1]
            node = (op, node, sub())
        return node

    def or_(self):
        return self.binary(self.and_, ("||",))

    def and_(self):
        return self.binary(self.cmp, ("&&",))

    def cmp(self):
        node = self.sum()
        if self.peek()[0] == "op" and self.peek()[1] in ("<", "<=", ">", ">=", "==", "!="):
            op = self.next()[1]
            node = (op, node, self.sum())
        return node

    def sum(self):
        return self.binary(self.product, ("+", "-"))

    def product(self):
        return self.binary(self.unary, ("*", "/", "%"))

    def unary(self):
        if self.peek() == ("op", "-"):
            self.next()
            return ("neg", self.unary())
        if self.peek() == ("op", "!"):
            self.next()
            return ("not", self.unary())
        return self.atom()

    def atom(self):
        kind, value = self.next()
        if kind == "int":
            return ("int", int(value))
        if kind == "name":
            if self.peek() == ("op", "("):
                if value not in FUNCTIONS:
                    raise ExprError(f"unknown function {value!r} in {self.text!r}")
                self.next()
                if value == "sum":
                    kind2, var = self.next()
                    if kind2 != "name" or var in FUNCTIONS:
                        raise ExprError(f"sum needs a variable name first in {self.text!r}")
                    self.expect(",")
                    count = self.or_()
                    self.expect(",")
                    body = self.or_()
                    self.expect(")")
                    return ("sum", var, count, body)
                args = [self.or_()]
                while self.peek() == ("op", ","):
                    self.next()
                    args.append(self.or_())
                self.expect(")")
                if value == "if" and len(args) != 3:
                    raise ExprError(f"if takes 3 arguments in {self.text!r}")
                return (value, *args)
            if value in FUNCTIONS:
                raise ExprError(f"{value!r} is a function in {self.text!r}")
            return ("var", value)
        if (kind, value) == ("op", "("):
            node = self.or_()
            self.expect(")")
            return node
        raise ExprError(f"unexpected {value!r} in {self.text!r}")


_cache: dict[str, tuple] = {}


def parse(text: str):
    node = _cache.get(text)
    if node is None:
        node = _Parser(text).parse()
        _cache[text] = node
    return node


def _floordiv(a: int, b: int) -> int:
    if b == 0:
        raise ExprError("division by zero")
    return a // b


def _mod(a: int, b: int) -> int:
    if b == 0:
        raise ExprError("modulo by zero")
    return a % b


def _eval(node, env: dict[str, int]) -> int:
    tag = node[0]
    if tag == "int":
        return node[1]
    if tag == "var":
        try:
            return env[node[1]]
        except KeyError:
            raise ExprError(f"unknown variable {node[1]!r}") from None
    if tag == "neg":
        return -_eval(node[1], env)
    if tag == "not":
        return int(_eval(node[1], env) == 0)
    if tag == "min":
        return min(_eval(a, env) for a in node[1:])
    if tag == "max":
        return max(_eval(a, env) for a in node[1:])
    if tag == "if":
        return _eval(node[2], env) if _eval(node[1], env) != 0 else _eval(node[3], env)
    if tag == "sum":
        _, var, count_node, body = node
        count = _eval(count_node, env)
        if count > MAX_SUM_COUNT:
            raise ExprError(f"sum over {count} terms")
        inner = dict(env)
        total = 0
        for i in range(max(0, count)):
            inner[var] = i
            total += _eval(body, inner)
        return total
    a = _eval(node[1], env)
    if tag == "&&":
        return int(a != 0 and _eval(node[2], env) != 0)
    if tag == "||":
        return int(a != 0 or _eval(node[2], env) != 0)
    b = _eval(node[2], env)
    if tag == "+":
        return a + b
    if tag == "-":
        return a - b
    if tag == "*":
        return a * b
    if tag == "/":
        return _floordiv(a, b)
    if tag == "%":
        return _mod(a, b)
    if tag == "<":
        return int(a < b)
    if tag == "<=":
        return int(a <= b)
    if tag == ">":
        return int(a > b)
    if tag == ">=":
        return int(a >= b)
    if tag == "==":
        return int(a == b)
    if tag == "!=":
        return int(a != b)
    raise ExprError(f"bad node {tag}")


def evaluate(text: str, env: dict[str, int]) -> int:
    return _eval(parse(text), env)


def free_names(text: str) -> set[str]:
    out: set[str] = set()

    def walk(node, bound):
        tag = node[0]
        if tag == "int":
            return
        if tag == "var":
            if node[1] not in bound:
                out.add(node[1])
            return
        if tag == "sum":
            walk(node[2], bound)
            walk(node[3], bound | {node[1]})
            return
        for child in node[1:]:
            walk(child, bound)

    walk(parse(text), frozenset())
    return out


def environment(variables: dict[str, int], derived: list[tuple[str, str]]) -> dict[str, int]:
    """Variables plus the derived variables, evaluated in order."""
    env = dict(variables)
    for name, text in derived:
        env[name] = evaluate(text, env)
    return env
