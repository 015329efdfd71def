"""The "check your understanding" questions, with instant feedback. Introduced in 00_start_here.

    quiz("01_error")           -> the questions of a notebook, as clickable choices
    answer("error-sign", 1)    -> the feedback for one choice, as text (for scripts and tests)
"""
from dataclasses import dataclass

import ipywidgets as widgets


@dataclass
class Question:
    """Introduced in 00_start_here."""
    id: str
    prompt: str
    choices: list
    answer: int          # index of the right choice
    explanation: str     # why it is right, shown after any choice


QUESTIONS = {
    "00_start_here": [
        Question("start-error", "A house sold for $100,000 and we predicted $150,000. What is the error?",
                 ["−$50,000", "+$50,000", "$150,000"], 1,
                 "error = prediction − actual = $150,000 − $100,000 = +$50,000: positive means we guessed too high."),
    ],
    "01_error": [
        Question("error-sign", "We predicted $90,000 for a house that sold for $120,000. The error is…",
                 ["+$30,000", "−$30,000", "$900,000,000"], 1,
                 "prediction − actual = −$30,000. Negative: we guessed too low."),
        Question("error-square", "Why do we square the errors before averaging them?",
                 ["To make the numbers smaller",
                  "So that errors of opposite sign cannot cancel, and big misses count more",
                  "Because the average of errors is always zero"], 1,
                 "+$50,000 and −$50,000 average to $0, a perfect score for a bad model. Squares are never "
                 "negative, and a miss twice as big costs four times as much."),
        Question("error-units", "The MSE of price predictions is measured in…",
                 ["dollars", "dollars squared", "no unit at all"], 1,
                 "Each squared error is in dollars², so their mean is too. Its square root (the RMSE) is back "
                 "in dollars."),
    ],
    "02_learning_rate": [
        Question("lr-sign", "The derivative dE/dw is positive at our current w. To lower the error we should…",
                 ["increase w", "decrease w", "leave w alone"], 1,
                 "A positive slope means the error grows as w grows, so we move w down: w ← w − α·dE/dw."),
        Question("lr-same-step", "Is w + α·(−dE/dw) the same step as w − α·dE/dw?",
                 ["Yes, it is the same number", "No, one of them goes uphill"], 0,
                 "Adding the negative gradient and subtracting the gradient are the same arithmetic."),
        Question("lr-diverge", "The loss is a parabola with curvature c. Which learning rates diverge?",
                 ["α > 2 / c", "α < 2 / c", "α > c / 2"], 0,
                 "Each step multiplies the distance to the minimum by (1 − α·c); beyond α = 2 / c that factor "
                 "is below −1, so every step overshoots by more than the last."),
        Question("lr-scale", "Why do we standardise square feet and prices before gradient descent?",
                 ["It makes the data more accurate",
                  "Raw numbers make the curvature huge, so only a tiny α is stable and it crawls",
                  "numpy cannot handle large numbers"], 1,
                 "With raw square feet the curvature is in the millions: a stable α is so small that "
                 "progress stalls. Standardised data puts every curvature near 2."),
    ],
    "03_derivatives": [
        Question("deriv-partial", "With two weights w and b, what is the difference between ∂E/∂w and the gradient?",
                 ["None: they are two names for the same number",
                  "∂E/∂w is one number (nudge w, hold b still); the gradient is the pair (∂E/∂w, ∂E/∂b)",
                  "The gradient is ∂E/∂w squared"], 1,
                 "A partial derivative nudges one weight and holds the others still. The gradient collects all "
                 "of them, one per weight, into a vector: it points uphill, so −gradient points downhill."),
        Question("deriv-chain", "One house of 1,500 sq ft sold for $100,000; w = $100/sq ft predicts $150,000. "
                 "For E = (prediction − actual)², what is dE/dw?",
                 ["2 × $50,000 = $100,000", "2 × $50,000 × 1,500 = 150,000,000", "1,500"], 1,
                 "Chain rule: dE/dw = dE/de · de/dp · dp/dw = 2e · 1 · x = 2 × 50,000 × 1,500. Each link's slope "
                 "multiplies in; the units are $² per $/sq ft."),
        Question("deriv-central", "Why does the course nudge both ways, (f(w+h) − f(w−h)) / 2h, rather than "
                 "(f(w+h) − f(w)) / h?",
                 ["It needs fewer evaluations of f",
                  "Its error shrinks like h² instead of like h, so it is far closer at the same h",
                  "The one-sided version has the wrong sign"], 1,
                 "The curvature's error terms cancel between the two sides. Ten times smaller h makes the "
                 "one-sided error ten times smaller, but the central error a hundred times smaller."),
        Question("deriv-tiny-h", "What happens if we make h ever smaller, say 1e-12?",
                 ["The estimate keeps getting better", "Rounding in f(w+h) − f(w−h) takes over and it gets worse",
                  "numpy raises an error"], 1,
                 "f(w+h) and f(w−h) agree in almost every digit, so their difference is mostly rounding noise, "
                 "and dividing by a tiny 2h blows that noise up. Around 1e-5 is a good compromise."),
    ],
    "04_dot_product": [
        Question("dot-shape", "X has shape (2930, 3) and w has shape (3,). What is the shape of X @ w + b?",
                 ["(3,)", "(2930,)", "(2930, 3)"], 1,
                 "One dot product per row: each house's three features times the three weights, summed. "
                 "2,930 houses, 2,930 predictions."),
        Question("dot-trap", "predictions has shape (5,) and y has shape (5, 1). What does predictions − y give?",
                 ["Five errors, shape (5,)", "A (5, 5) table: every prediction minus every price",
                  "An error message"], 1,
                 "numpy broadcasts (5,) against (5, 1) into (5, 5) without complaint. The mean of that table is "
                 "a wrong number that looks plausible. Flatten y with y[:, 0] or y.ravel() first."),
        Question("dot-w1", "In W1 with shape (3 inputs, 4 hidden units), what does W1[2, 0] hold?",
                 ["w1_20: the weight from input 2 to hidden unit 0",
                  "w1_02: the weight from input 0 to hidden unit 2", "The bias of hidden unit 2"], 0,
                 "Rows are inputs (from), columns are hidden units (to): W1[i, j] is w1_ij. Column j holds "
                 "every weight that feeds hidden unit j."),
        Question("dot-gradient", "For E = mean((X @ w + b − y)²) with X of shape (n, d), what is the shape "
                 "of 2/n · Xᵀ(X @ w + b − y)?",
                 ["(n,)", "(d,): one partial derivative per weight", "(n, d)"], 1,
                 "Xᵀ has shape (d, n) and the residuals (n,), so the product has one entry per weight: the "
                 "gradient is shaped like w, as every gradient is shaped like what it is the gradient of."),
    ],
    "05_backpropagation": [
        Question("bp-w2", "For one house, what is ∂E/∂w2_j0, the gradient of the weight from hidden unit j to the "
                 "output?",
                 ["w2_j0 · ∂E/∂ŷ", "h_j · ∂E/∂ŷ", "x_j · ∂E/∂ŷ"], 1,
                 "ŷ = Σ h_j · w2_j0 + b2, so nudging w2_j0 moves ŷ by h_j per unit: ∂ŷ/∂w2_j0 = h_j. "
                 "Chain rule: ∂E/∂w2_j0 = h_j · ∂E/∂ŷ. In code, for all houses: d_W2 = hidden.T @ d_prediction."),
        Question("bp-shared", "The error signal at the output is ∂E/∂ŷ = +1.78 and w2_20 = −0.406. "
                 "What is ∂E/∂h_2?",
                 ["+1.78", "−0.72: raising h_2 would lower the price, and so the error",
                  "+0.72: every hidden unit shares the blame in the same direction"], 1,
                 "Hidden unit 2 reaches the output only through w2_20, so its share is ∂E/∂ŷ · w2_20 = "
                 "1.78 × (−0.406) ≈ −0.72 (section 4.2's −0.724 comes from the unrounded numbers). A negative "
                 "weight flips the sign of the blame."),
        Question("bp-sigmoid", "A hidden unit's output is h = 0.99 (its sigmoid is saturated). What happens to the "
                 "error signal on its way back through that unit?",
                 ["It passes through unchanged", "It is multiplied by 0.99",
                  "It is multiplied by 0.99 × 0.01 ≈ 0.01: it almost vanishes, so W1's gradients there are tiny"], 2,
                 "d_z = d_hidden · h(1 − h), and h(1 − h) is at most 0.25 (at h = 0.5). A saturated unit barely "
                 "learns; stacking many sigmoid layers multiplies such factors, which is why deep sigmoid networks "
                 "learn slowly."),
        Question("bp-order", "Why does backpropagation start at the output and work back towards the inputs?",
                 ["Each layer's gradients need the error signal of the layer after it, so that one must come first",
                  "Going forwards would give gradients of the wrong sign",
                  "It does not matter: any order gives the same gradients at the same cost"], 0,
                 "∂E/∂z needs ∂E/∂hidden, which needs ∂E/∂ŷ. Computing them from the end reuses each result once, "
                 "so all the gradients cost about as much as one more forward pass."),
    ],
}


def _find(question_id):
    for questions in QUESTIONS.values():
        for question in questions:
            if question.id == question_id:
                return question
    raise KeyError(f"There is no question {question_id!r}.")


def answer(question_id, choice):
    """Feedback on one choice (an index into the question's choices). Introduced in 00_start_here."""
    question = _find(question_id)
    if not 0 <= choice < len(question.choices):
        raise ValueError(f"choice must be between 0 and {len(question.choices) - 1}, got {choice}")
    verdict = "✓ Right." if choice == question.answer else "✗ Not quite."
    return f"{verdict} {question.explanation}"


class Quiz:
    """A notebook's questions as radio buttons; choosing an answer shows its feedback at once.
    Introduced in 00_start_here."""

    def __init__(self, notebook):
        if notebook not in QUESTIONS:
            raise KeyError(f"No questions for {notebook!r}; there are questions for {sorted(QUESTIONS)}")
        self.questions = QUESTIONS[notebook]
        self.feedback = {}
        rows = []
        for question in self.questions:
            buttons = widgets.RadioButtons(options=[(text, index) for index, text in enumerate(question.choices)],
                                           value=None, layout=widgets.Layout(width="max-content"))
            self.feedback[question.id] = widgets.HTML()
            buttons.observe(lambda change, q=question: self.choose(q.id, change.new), names="value")
            rows.append(widgets.VBox([widgets.HTML(f"<b>{question.prompt}</b>"), buttons,
                                      self.feedback[question.id]]))
        self.widget = widgets.VBox(rows)

    def choose(self, question_id, choice):
        """What a click does: show the feedback for that choice."""
        if choice is not None:
            self.feedback[question_id].value = answer(question_id, choice)

    def __repr__(self):
        lines = []
        for number, question in enumerate(self.questions, 1):
            lines.append(f"{number}. {question.prompt}")
            lines += [f"   ({chr(97 + k)}) {choice}" for k, choice in enumerate(question.choices)]
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # static viewers still see the questions
        return bundle


def quiz(notebook):
    """The "check your understanding" questions of a notebook. Introduced in 00_start_here."""
    return Quiz(notebook)
