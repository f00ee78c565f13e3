"""The tables `latex_text.readable` reads LaTeX with: symbols, operators, spacing,
fonts, accents, and the Unicode super- and subscripts.

Only unambiguous pieces are listed: a command that is not here makes the
reader keep its math segment exactly as written.
"""

from __future__ import annotations

# Symbols a control word stands for, in text and in math.
SYMBOLS: dict[str, str] = {
    # Greek
    **dict(
        zip(
            [
                "alpha",
                "beta",
                "gamma",
                "delta",
                "epsilon",
                "varepsilon",
                "zeta",
                "eta",
                "theta",
                "vartheta",
                "iota",
                "kappa",
                "lambda",
                "mu",
                "nu",
                "xi",
                "pi",
                "varpi",
                "rho",
                "varrho",
                "sigma",
                "varsigma",
                "tau",
                "upsilon",
                "phi",
                "varphi",
                "chi",
                "psi",
                "omega",
            ],
            "αβγδϵεζηθϑικλμνξπϖρϱσςτυϕφχψω",
            strict=True,
        )
    ),
    **dict(
        zip(
            [
                "Gamma",
                "Delta",
                "Theta",
                "Lambda",
                "Xi",
                "Pi",
                "Sigma",
                "Upsilon",
                "Phi",
                "Psi",
                "Omega",
            ],
            "ΓΔΘΛΞΠΣΥΦΨΩ",
            strict=True,
        )
    ),
    # Relations, operators, arrows
    "times": "×",
    "cdot": "·",
    "cdots": "⋯",
    "ldots": "…",
    "dots": "…",
    "pm": "±",
    "mp": "∓",
    "div": "÷",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "sim": "∼",
    "simeq": "≃",
    "equiv": "≡",
    "propto": "∝",
    "ll": "≪",
    "gg": "≫",
    "infty": "∞",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "leftrightarrow": "↔",
    "Rightarrow": "⇒",
    "Leftarrow": "⇐",
    "Leftrightarrow": "⇔",
    "mapsto": "↦",
    "uparrow": "↑",
    "downarrow": "↓",
    "in": "∈",
    "notin": "∉",
    "subset": "⊂",
    "subseteq": "⊆",
    "supset": "⊃",
    "cup": "∪",
    "cap": "∩",
    "emptyset": "∅",
    "forall": "∀",
    "exists": "∃",
    "neg": "¬",
    "wedge": "∧",
    "vee": "∨",
    "oplus": "⊕",
    "otimes": "⊗",
    "circ": "∘",
    "bullet": "•",
    "star": "⋆",
    "ast": "∗",
    "partial": "∂",
    "nabla": "∇",
    "sum": "∑",
    "prod": "∏",
    "int": "∫",
    "ell": "ℓ",
    "hbar": "ℏ",
    "top": "⊤",
    "bot": "⊥",
    "perp": "⊥",
    "prime": "′",
    "dagger": "†",
    "degree": "°",
    "langle": "⟨",
    "rangle": "⟩",
    "mid": "|",
    "vert": "|",
    "|": "‖",
    "%": "%",
    "&": "&",
    "#": "#",
    "_": "_",
    "$": "$",
    "{": "{",
    "}": "}",
    # Text-mode letters (author names)
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "textbackslash": "\\",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textendash": "–",
    "textemdash": "—",
    "textdegree": "°",
}

# Letters of names, written inside words (`Bj\o rn`, `\AA ngstr\"om`).
TEXT_LETTERS = frozenset(["ss", "o", "O", "aa", "AA", "ae", "AE", "oe", "OE", "l", "L", "i"])
# Operator names print as the word itself.
OPERATORS = frozenset(
    [
        "log",
        "ln",
        "exp",
        "sin",
        "cos",
        "tan",
        "max",
        "min",
        "arg",
        "argmax",
        "argmin",
        "lim",
        "sup",
        "inf",
        "det",
        "dim",
        "ker",
        "deg",
        "gcd",
        "Pr",
    ]
)
# TeX's classes of the math symbols above that are not ordinary ones (The
# TeXbook, chapter 17; `latex_text` spaces them as chapter 18 and appendix G
# say): relations, binary operators, large operators, delimiters. Operator
# names (`OPERATORS`, `\operatorname{}`) are large operators too.
RELATIONS = frozenset(
    [
        "leq", "le", "geq", "ge", "neq", "ne", "approx", "sim", "simeq", "equiv", "propto",
        "ll", "gg", "to", "rightarrow", "leftarrow", "leftrightarrow", "Rightarrow",
        "Leftarrow", "Leftrightarrow", "mapsto", "uparrow", "downarrow", "in", "notin",
        "subset", "subseteq", "supset", "perp", "mid",
    ]
)  # fmt: skip
BINARY = frozenset(
    [
        "times", "cdot", "pm", "mp", "div", "cup", "cap", "wedge", "vee", "oplus", "otimes",
        "circ", "bullet", "star", "ast",
    ]
)  # fmt: skip
LARGE_OPERATORS = frozenset(["sum", "prod", "int"])
OPENING = frozenset(["langle", "{"])
CLOSING = frozenset(["rangle", "}"])
# Spacing commands: a plain space.
SPACES = frozenset([",", ";", ":", "!", " ", "quad", "qquad"])
# Commands whose braced argument is shown as is: fonts and boxes.
FONT_COMMANDS = frozenset(
    [
        "mbox",
        "text",
        "textrm",
        "textbf",
        "textit",
        "textsf",
        "texttt",
        "textsc",
        "textup",
        "textnormal",
        "emph",
        "mathrm",
        "mathbf",
        "mathit",
        "mathsf",
        "mathtt",
        "mathcal",
        "mathscr",
        "mathfrak",
        "mathnormal",
        "boldsymbol",
        "bm",
        "operatorname",
    ]
)
BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "E": "𝔼"}

# Accent commands -> combining mark (NFC composes them: \'e -> é).
ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "r": "\u030a",
    "c": "\u0327",
    "k": "\u0328",
}

SUPERSCRIPT = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", strict=True))
# Lowercase modifier letters (U+1D2C block and neighbours) for `x^d`, `2^k`.
SUPERSCRIPT.update(zip("abcdefghjklmoprstuvwxyz", "ᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", strict=True))
SUPERSCRIPT.update({"−": "⁻", "∘": "°", "′": "′", "∗": "*", "*": "*", "⊤": "ᵀ", "T": "ᵀ"})
SUBSCRIPT = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)
