"""The "check your understanding" questions, as content: each notebook's questions, the feedback on each
choice, and the record of a click. The clickable quiz that shows them is explorers/quiz.py.

    QUESTIONS["01_error"]      -> the questions of a notebook
    answer("error-sign", 1)    -> the feedback on one choice, as text (for the quiz, scripts and tests)

Every choice has its own feedback: a wrong one says what it mixes up, then the right idea; the right one
says why it is right. On a class hub, each choice is also written to the file named by the
COURSE_QUIZ_ANSWERS environment variable (the hub sets it to quiz-answers.jsonl in the learner's home), so
that the teacher's gradebook can show the answers; elsewhere nothing is written.
"""
import datetime
import json
import os
from dataclasses import dataclass


@dataclass
class Question:
    """One question: its id, the prompt, each choice with its feedback, and which choice is right."""
    id: str
    prompt: str
    choices: list        # (choice, feedback on that choice) pairs
    answer: int          # index of the right choice


QUESTIONS = {
    "00_start_here": [
        Question("start-error", "A house sold for $100,000 and we predicted $150,000. What is the error?", [
            ("−$50,000",
             "That is actual − prediction, the other way round. The course's error is prediction − actual = "
             "$150,000 − $100,000 = +$50,000: positive means we guessed too high."),
            ("+$50,000",
             "error = prediction − actual = $150,000 − $100,000 = +$50,000. The plus sign says we guessed too "
             "high; a guess too low gives a negative error."),
            ("$150,000",
             "That is the prediction itself, not how far off it is. The error is prediction − actual = "
             "$150,000 − $100,000 = +$50,000: we guessed $50,000 too high."),
        ], 1),
    ],
    "01_error": [
        Question("error-sign", "We predicted $90,000 for a house that sold for $120,000. The error is…", [
            ("+$30,000",
             "That is actual − prediction. The course subtracts the other way, prediction − actual = "
             "$90,000 − $120,000 = −$30,000, so that the sign says which way we missed: negative, too low."),
            ("−$30,000",
             "prediction − actual = $90,000 − $120,000 = −$30,000. Negative: we guessed too low."),
            ("$900,000,000",
             "That is the squared error, (−$30,000)² = 900,000,000 dollars², not the error. The error itself "
             "is prediction − actual = −$30,000: we guessed too low."),
        ], 1),
        Question("error-square", "Why do we square the errors before averaging them?", [
            ("To make the numbers smaller",
             "Squaring makes big numbers bigger: a $50,000 miss becomes 2,500,000,000 dollars². The reason is "
             "the sign: +$50,000 and −$50,000 average to $0, a perfect score for a bad model. Squares are "
             "never negative, so misses cannot cancel, and a miss twice as big costs four times as much."),
            ("So that errors of opposite sign cannot cancel, and big misses count more",
             "+$50,000 and −$50,000 average to $0, a perfect score for a bad model. Squares are never "
             "negative, so misses cannot cancel, and a miss twice as big costs four times as much."),
            ("Because the average of errors is always zero",
             "It need not be zero, and usually is not. The trouble is that it can be small while every house "
             "is badly missed, because misses of opposite sign cancel: +$50,000 and −$50,000 average to $0. "
             "Squares are never negative, so they cannot cancel."),
        ], 1),
        Question("error-units", "The MSE of price predictions is measured in…", [
            ("dollars",
             "The errors are in dollars, but the MSE averages their squares, so it is in dollars². Its "
             "square root, the RMSE, is back in dollars."),
            ("dollars squared",
             "Each squared error is in dollars², so their mean is too. Its square root (the RMSE) is back "
             "in dollars."),
            ("no unit at all",
             "It is no pure number: measure the prices in $1,000 instead of dollars and the MSE becomes a "
             "million times smaller. Each squared error is in dollars², so their mean is too; its square "
             "root, the RMSE, is back in dollars."),
        ], 1),
    ],
    "02_learning_rate": [
        Question("lr-sign", "The derivative dE/dw is positive at our current w. To lower the error we "
                 "should…", [
            ("increase w",
             "A positive slope means the error grows as w grows, so raising w walks uphill. Step against the "
             "slope: w ← w − α·dE/dw lowers w."),
            ("decrease w",
             "A positive slope means the error grows as w grows, so we move w down: w ← w − α·dE/dw. "
             "(By a small enough step: too big a step jumps past the bottom, as the learning-rate explorer "
             "shows.)"),
            ("leave w alone",
             "We stop only where the slope is 0, at the bottom. A positive slope means the error still falls "
             "as w goes down, so step against it: w ← w − α·dE/dw."),
        ], 1),
        Question("lr-same-step", "A textbook writes the error as actual − prediction and, for one house with "
                 "feature x, updates w ← w + α·(y − ŷ)·x. The course writes prediction − actual and "
                 "w ← w − α·dE/dw. Do they take the same step?", [
            ("No: the book's error has the opposite sign, so its step goes the other way",
             "The book flips two signs, not one: its error is actual − prediction, and it adds instead of "
             "subtracting. The two flips cancel. For one house E = (ŷ − y)², so dE/dw = 2(ŷ − y)·x and "
             "−dE/dw = 2(y − ŷ)·x: the book's term, pointing the same way, downhill."),
            ("Yes: (y − ŷ)·x points the same way as −dE/dw, so both step downhill",
             "For one house E = (ŷ − y)², so dE/dw = 2(ŷ − y)·x and −dE/dw = 2(y − ŷ)·x: the book's term, "
             "twice. Flipping the error's sign and adding instead of subtracting cancel out. The 2 only "
             "rescales α (many books put ½ in front of the squared error to cancel it), so it is the same "
             "step with the book's α twice the course's."),
            ("No: the book adds where the course subtracts, so one of them climbs",
             "Adding would climb if the book added the gradient, but it adds (y − ŷ)·x, whose error has the "
             "opposite sign to the course's. For one house E = (ŷ − y)², so −dE/dw = 2(y − ŷ)·x: the book "
             "adds minus the gradient, which is subtracting the gradient. Both step downhill."),
        ], 1),
        Question("lr-diverge", "The loss is a parabola with curvature c. Which learning rates diverge?", [
            ("α > 2 / c",
             "Each step multiplies the gap to the bottom by (1 − α·c). Beyond α = 2 / c that factor is below "
             "−1, so every step overshoots by more than the last."),
            ("α < 2 / c",
             "Those are the rates (above 0) that converge: the factor 1 − α·c lies between −1 and 1, so the "
             "gap shrinks at every step, smoothly below α = 1 / c and overshooting between 1 / c and 2 / c. "
             "Divergence starts beyond α = 2 / c, where the factor drops below −1."),
            ("α > c / 2",
             "That turns the fraction upside down. A more curved bowl (larger c) needs a smaller α, so the "
             "limit must shrink as c grows: each step multiplies the gap by 1 − α·c, which drops below −1 "
             "when α > 2 / c."),
        ], 0),
        Question("lr-scale", "Why do we standardise square feet and prices before gradient descent?", [
            ("It makes the data more accurate",
             "Standardising only changes the units: it shifts and rescales each column, adding and losing "
             "nothing: the best line, turned back into dollars, is the very same line. What it changes is the "
             "shape of the landscape: with raw square feet the valley is millions of times steeper along w "
             "than along b, so any α that is stable along w crawls along b."),
            ("Raw square feet make the valley millions of times steeper one way than the other; a stable α "
             "then crawls",
             "With raw square feet and a bias, the steepest curvature is about 5 million and the flattest "
             "about 0.2: α must stay below 2 / 5 million = 4 × 10⁻⁷, and at that α the flat direction barely "
             "moves. Standardising evens the curvatures out. For one standardised feature and a bias both are "
             "exactly 2, so any α below 1 converges. Features that move together do not all get 2: notebook "
             "04's three standardised features (living area, year built, garage) with a bias have curvatures "
             "from 0.77 to 3.71, so α must stay below about 0.54, but the steepest is only about 5 times the "
             "flattest, not tens of millions. (The curvatures depend on the inputs only; standardising the "
             "prices keeps the weights and the losses near 1.)"),
            ("numpy cannot handle large numbers",
             "numpy's floats go up to about 10³⁰⁸, so numbers in the millions are no trouble. The trouble is "
             "the landscape's shape: with raw square feet it is millions of times steeper along w than "
             "along b, so any α small enough not to blow up along w barely moves b."),
        ], 1),
        Question("lr-alpha-range", "“The learning rate α is always between 0 and 1.” True?", [
            ("Yes: α is a fraction of the slope, so any α above 1 overshoots",
             "Nothing special happens at 1. Each step multiplies the gap to the bottom by 1 − α·c, so what "
             "decides is the curvature c: α converges below 2 / c, whatever that is. For a gentle loss with "
             "c = 0.5, α = 3 converges; for raw square feet c is about 5 million and even α = 10⁻⁶ blows up."),
            ("No: it depends on units and curvature: below 4 × 10⁻⁷ for raw square feet, below 1 for one "
             "standardised feature",
             "Each step multiplies the gap to the bottom by 1 − α·c, so α converges below 2 / c, and the "
             "curvature c depends on the units of the data. Raw square feet: c is about 5 million, so α "
             "below 4 × 10⁻⁷. One standardised feature: c = 2, so α below 1. A flatter loss allows α above 1. "
             "Standardising is what makes a good α easy to guess."),
            ("No: any positive α works; a larger one only gets there faster",
             "Too large an α diverges: beyond α = 2 / c the factor 1 − α·c is below −1, so every step "
             "overshoots further. Larger is faster only up to α = 1 / c, which lands on the bottom of a "
             "parabola in one step. The useful range is 0 < α < 2 / c, and c depends on the units: below "
             "4 × 10⁻⁷ for raw square feet, below 1 for one standardised feature."),
        ], 1),
    ],
    "03_derivatives": [
        Question("deriv-partial", "With two weights w and b, what is the difference between ∂E/∂w and the "
                 "gradient?", [
            ("None: they are two names for the same number",
             "With a single weight they would coincide, but here there are two. ∂E/∂w is one number: nudge "
             "w, hold b still. The gradient is the vector of all the partial derivatives, (∂E/∂w, ∂E/∂b), "
             "one per weight."),
            ("∂E/∂w is one number (nudge w, hold b still); the gradient is the pair (∂E/∂w, ∂E/∂b)",
             "A partial derivative nudges one weight and holds the others still. The gradient collects all "
             "of them, one per weight, into a vector: it points uphill, the steepest way up, so −gradient "
             "points downhill."),
            ("The gradient is ∂E/∂w squared",
             "Nothing is squared: the squares belong to the error, not to its derivatives. The gradient "
             "lists the partial derivatives side by side, (∂E/∂w, ∂E/∂b): one entry per weight."),
        ], 1),
        Question("deriv-chain", "One house of 1,500 sq ft sold for $100,000; w = $100/sq ft predicts $150,000. "
                 "For E = (prediction − actual)², what is dE/dw?", [
            ("2 × $50,000 = $100,000",
             "That is dE/dp, how fast the squared error changes with the prediction: the first link only. w "
             "reaches the prediction through p = w·x, so multiply by dp/dw = x = 1,500: "
             "dE/dw = 2e · 1 · x = 150,000,000 $² per $/sq ft."),
            ("2 × $50,000 × 1,500 = 150,000,000",
             "Chain rule: dE/dw = dE/de · de/dp · dp/dw = 2e · 1 · x = 2 × 50,000 × 1,500. Each link's slope "
             "multiplies in; the units are $² per $/sq ft."),
            ("1,500",
             "That is dp/dw = x, the last link only: how much the prediction moves per $1/sq ft. On top, the "
             "squared error moves by 2e = $100,000 per dollar of prediction, so "
             "dE/dw = 2e · 1 · x = 150,000,000 $² per $/sq ft."),
        ], 1),
        Question("deriv-central", "Why does the course nudge both ways, (f(w+h) − f(w−h)) / 2h, rather than "
                 "(f(w+h) − f(w)) / h?", [
            ("It needs fewer evaluations of f",
             "If anything it needs more: f(w + h) and f(w − h) for every weight, where the one-sided version "
             "can share one f(w) among all the weights. It is chosen for accuracy: the curvature's error "
             "terms cancel between the two sides, so its error shrinks like h² rather than like h."),
            ("Its error shrinks like h² instead of like h, so it is far closer at the same h",
             "The curvature's error terms cancel between the two sides. Ten times smaller h makes the "
             "one-sided error ten times smaller, but the central error a hundred times smaller (until h is "
             "so small that rounding takes over: the next question)."),
            ("The one-sided version has the wrong sign",
             "Both estimate the same slope, with the same sign; the one-sided one is just less accurate. Its "
             "error is about half the curvature times h; nudging both ways cancels that term, leaving an "
             "error that shrinks like h²."),
        ], 1),
        Question("deriv-tiny-h", "What happens if we make h ever smaller, say 1e-12?", [
            ("The estimate keeps getting better",
             "Only while rounding is negligible. f(w + h) and f(w − h) are each stored to about 16 digits; at "
             "h = 1e-12 they agree in almost all of them, so their difference is mostly rounding noise, and "
             "dividing by a tiny 2h blows that noise up. Below some h, smaller is worse."),
            ("Rounding in f(w+h) − f(w−h) takes over and it gets worse",
             "f(w + h) and f(w − h) agree in almost every digit, so their difference is mostly rounding noise, "
             "and dividing by a tiny 2h blows that noise up. For the numbers in this course h = 1e-5 is a "
             "good compromise; how many digits survive depends on how large and how curved f is."),
            ("numpy raises an error",
             "Rounding is silent: numpy computes something, just not the right thing. (Below about "
             "10⁻¹⁶ × |w|, w + h even rounds back to w and the estimate is exactly 0, still without an "
             "error.) The difference f(w + h) − f(w − h) is mostly rounding noise, which dividing by a tiny "
             "2h blows up."),
        ], 1),
    ],
    "04_dot_product": [
        Question("dot-shape", "X has shape (2930, 3) and w has shape (3,). What is the shape of "
                 "X @ w + b?", [
            ("(3,)",
             "(3,) is the shape of w: one weight per feature. X @ w takes one dot product per row of X, one "
             "per house, so it has 2,930 entries; adding the single number b keeps that shape."),
            ("(2930,)",
             "One dot product per row: each house's three features times the three weights, summed. "
             "2,930 houses, 2,930 predictions; adding the single number b keeps the shape."),
            ("(2930, 3)",
             "That is X's shape, as if each feature were multiplied by its weight and left unsummed (X * w "
             "does that). @ also adds up each row's three products, leaving one number per house: (2930,)."),
        ], 1),
        Question("dot-trap", "predictions has shape (5,) and y has shape (5, 1). What does predictions − y "
                 "give?", [
            ("Five errors, shape (5,)",
             "That is what you want, but not what numpy does: it broadcasts (5,) against (5, 1), stretching "
             "both into a (5, 5) table of every prediction minus every price. Flatten y first, with y[:, 0] "
             "or y.ravel()."),
            ("A (5, 5) table: every prediction minus every price",
             "numpy broadcasts (5,) against (5, 1) into (5, 5) without complaint. The mean of that table is "
             "a wrong number that looks plausible. Flatten y with y[:, 0] or y.ravel() first."),
            ("An error message",
             "That would be kinder, but numpy's broadcasting rules allow it: (5,) and (5, 1) stretch into a "
             "(5, 5) table, silently. Only a check of your own (like the course's mse) catches it; flatten y "
             "first, with y[:, 0] or y.ravel()."),
        ], 1),
        Question("dot-w1", "In W1 with shape (3 inputs, 4 hidden units), what does W1[2, 0] hold?", [
            ("w1_20: the weight from input 2 to hidden unit 0",
             "Rows are inputs (from), columns are hidden units (to): W1[i, j] is w1_ij. Column j holds "
             "every weight that feeds hidden unit j."),
            ("w1_02: the weight from input 0 to hidden unit 2",
             "That reads the indices the wrong way round. The first index is the row, and rows are inputs: "
             "W1[2, 0] is w1_20, from input 2 to hidden unit 0. (w1_02 is W1[0, 2].)"),
            ("The bias of hidden unit 2",
             "W1 holds only weights, one per edge from an input to a hidden unit; the biases are kept apart "
             "(notebook 05). W1[2, 0] is a weight, w1_20, from input 2 to hidden unit 0."),
        ], 0),
        Question("dot-gradient", "For E = mean((X @ w + b − y)²) with X of shape (n, d), what is the shape "
                 "of 2/n · Xᵀ(X @ w + b − y)?", [
            ("(n,)",
             "(n,) is the shape of the errors, one per house. Xᵀ has shape (d, n), and multiplying it by "
             "the errors adds up over the houses: one entry per weight, (d,)."),
            ("(d,): one partial derivative per weight",
             "Xᵀ has shape (d, n) and the errors (n,): (d, n) times (n,) gives (d,), one entry per weight. "
             "A gradient always has its weight's shape."),
            ("(n, d)",
             "(n, d) is X's shape: every house's every feature, not yet combined with the errors. Xᵀ(…) takes "
             "each feature's column dotted with the errors, adding up over the houses: one number per "
             "weight, (d,)."),
        ], 1),
        Question("dot-downhill", "From the same weights, take two steps of the same small length: one along "
                 "−gradient, one at a right angle to the gradient. To first order, ΔE ≈ ∇E · Δ. What happens to "
                 "E?", [
            ("Both lower E by the same amount: the steps are equally long",
             "The length is the same, but the angle is not. ∇E · Δ = |∇E| |Δ| cos θ: along −gradient θ = 180° "
             "and cos θ = −1, the biggest fall; at a right angle cos θ = 0, so E does not change to first "
             "order."),
            ("The first lowers E by |∇E| |Δ|, the most any step of that length can; the second leaves it "
             "unchanged, to first order",
             "∇E · Δ = |∇E| |Δ| cos θ. At 180° cos θ = −1: the steepest fall. At 90° cos θ = 0: the step "
             "runs along a contour line, which is why the gradient crosses contour lines at right angles."),
            ("The second lowers E more, because it does not fight the gradient",
             "A step at a right angle to the gradient runs along a contour line: ∇E · Δ = |∇E| |Δ| cos 90° = 0, "
             "so to first order E stays the same. The steepest fall is along −gradient, where cos θ = −1."),
        ], 1),
    ],
    "05_backpropagation": [
        Question("bp-shared", "For our house ∂E/∂ŷ = +3.19. Hidden unit 2 outputs h_2 = 0.358 and feeds the "
                 "output through w2_20 = −0.406. What are ∂E/∂w2_20 and ∂E/∂h_2?", [
            ("∂E/∂w2_20 ≈ −1.30 and ∂E/∂h_2 ≈ +1.14",
             "That swaps them. ŷ = … + h_2·w2_20 + …, so nudging w2_20 moves ŷ by h_2 per unit: "
             "∂E/∂w2_20 = h_2 · 3.19 ≈ +1.14, what came into the weight times the error signal. Nudging h_2 "
             "moves ŷ by w2_20 per unit: ∂E/∂h_2 = w2_20 · 3.19 ≈ −1.30."),
            ("∂E/∂w2_20 ≈ +1.14 and ∂E/∂h_2 ≈ −1.30",
             "ŷ = … + h_2·w2_20 + …: nudging w2_20 moves ŷ by h_2 per unit, so ∂E/∂w2_20 = 0.358 × 3.19 ≈ +1.14 "
             "(what came into the weight times the error signal); nudging h_2 moves ŷ by w2_20 per unit, so "
             "∂E/∂h_2 = 3.19 × (−0.406) ≈ −1.30 (section 4.2's −1.297 comes from the unrounded numbers). A "
             "negative weight flips the sign of the blame."),
            ("Both +3.19: the output's error signal reaches every part unchanged",
             "The error signal is passed on, not copied: each link multiplies in its own slope. w2_20's link "
             "multiplies by h_2 = 0.358, so ∂E/∂w2_20 ≈ +1.14; h_2's link multiplies by w2_20 = −0.406, so "
             "∂E/∂h_2 ≈ −1.30."),
            ("∂E/∂w2_20 ≈ +1.14 and ∂E/∂h_2 ≈ +1.30",
             "The sizes are right, but blame does not have the same sign for every hidden unit: "
             "∂E/∂h_2 = 3.19 × w2_20, and w2_20 = −0.406 is negative. Raising h_2 would lower the price, and "
             "so the error: ∂E/∂h_2 ≈ −1.30."),
        ], 1),
        Question("bp-sigmoid", "A hidden unit's output is h = 0.99 (its sigmoid is saturated). What happens to "
                 "the error signal on its way back through that unit?", [
            ("It passes through unchanged",
             "That treats the sigmoid as if it were not there. Going back through h = σ(z) multiplies the "
             "signal by the sigmoid's slope, σ'(z) = h(1 − h) = 0.99 × 0.01 ≈ 0.01, so almost nothing gets "
             "through."),
            ("It is multiplied by 0.99",
             "0.99 is the unit's output h, not its slope. The backward pass multiplies by the slope "
             "σ'(z) = h(1 − h) = 0.99 × 0.01 ≈ 0.01: where the sigmoid is flat, nudging z barely moves h, so "
             "the error signal almost vanishes."),
            ("It is multiplied by 0.99 × 0.01 ≈ 0.01: it almost vanishes, so W1's gradients there are "
             "tiny",
             "d_z = d_hidden · h(1 − h), and h(1 − h) is at most 0.25 (at h = 0.5). At h = 0.99 the sigmoid is "
             "flat: nudging z barely moves h, so the weights into that unit barely learn. Through many sigmoid "
             "layers the signal is multiplied by one such factor per layer, and by that layer's weights; "
             "unless the weights are large enough to make up for it (and large weights push units into "
             "saturation), it fades from layer to layer, one reason deep sigmoid networks learn slowly."),
        ], 2),
        Question("bp-sign", "Before computing anything: for our house ŷ is too high (∂E/∂ŷ = +3.19), its living "
                 "area is below average (x_0 = −0.23), and w2_00 = +0.753. What is the sign of ∂E/∂w1_00?", [
            ("Positive: the prediction is too high, so every weight should shrink",
             "A too-high prediction makes ∂E/∂ŷ positive, but each link on the way back multiplies in its own "
             "sign. x_0 is negative, so raising w1_00 lowers z_0, then h_0, then ŷ (w2_00 > 0), and the error "
             "falls: ∂E/∂w1_00 is negative, and gradient descent raises w1_00."),
            ("Negative: raising w1_00 lowers z_0 (x_0 < 0), so h_0, so ŷ (w2_00 > 0), so the error",
             "Follow the signs of the links: ∂E/∂ŷ = +3.19, w2_00 = +0.753, the sigmoid's slope h(1 − h) is "
             "always positive, and x_0 = −0.23. The product has one minus sign, so ∂E/∂w1_00 < 0 (section 4.4 "
             "finds −0.137), and gradient descent raises w1_00."),
            ("It cannot be told without computing the numbers",
             "The size needs the numbers, the sign does not: multiply the signs of the links. ∂E/∂ŷ > 0, "
             "w2_00 > 0, the sigmoid's slope > 0 and x_0 < 0: one minus sign, so ∂E/∂w1_00 is negative."),
            ("It depends on where h_0 sits on the sigmoid, whose slope can be negative",
             "The sigmoid only rises: its slope h(1 − h) lies between 0 and 0.25, never below. It can shrink "
             "the error signal, never flip it. The signs that count are ∂E/∂ŷ > 0, w2_00 > 0 and x_0 < 0, so "
             "∂E/∂w1_00 is negative."),
        ], 1),
        Question("bp-order", "Why does backpropagation start at the output and work back towards the "
                 "inputs?", [
            ("Each layer's gradients need the error signal of the layer after it, so that one must come "
             "first",
             "∂E/∂z needs ∂E/∂hidden, which needs ∂E/∂ŷ. Starting at the end computes each shared link once "
             "and reuses it for every weight behind it, so all the gradients together cost about one to two "
             "forward passes' worth of work."),
            ("Going forwards would give gradients of the wrong sign",
             "The sign does not depend on the order: the chain rule's product is the same whichever end you "
             "multiply from. What the order changes is the cost. Starting at the output, each shared link "
             "(∂E/∂ŷ, then ∂E/∂hidden) is computed once and reused for every weight behind it."),
            ("It does not matter: any order gives the same gradients at the same cost",
             "The same gradients, yes, but not at the same cost. Starting from one weight and following its "
             "effect forwards to the error takes a pass per weight or bias: 13 for our network, millions "
             "for a big one. Starting at the error computes each shared link once, so all the gradients together cost "
             "about one to two forward passes."),
        ], 0),
        Question("bp-update-after", "The backward pass has d_W2 ready before it computes "
                 "d_hidden = d_prediction @ W2.T. Why not update W2 at once, before going on to W1?", [
            ("No reason: d_W2 is final, so the order of the updates cannot matter",
             "d_W2 is final, but W2 itself is still needed: d_hidden = d_prediction @ W2.T. With W2 already "
             "changed, W1's gradient would mix an error signal from the old network with the weights of the "
             "new one: the gradient of no network at all. Send the signal back through W2 first; then W2 may "
             "move. Computing every gradient first is the simplest way to be sure."),
            ("d_hidden needs the W2 that made the prediction; an updated W2 gives W1 a wrong gradient",
             "Every gradient describes the network that made the prediction: d_prediction came from the old "
             "W2, so d_hidden = d_prediction @ W2.T must use that same W2. Once d_hidden is computed W2 may move: "
             "layer by layer, signal first, gives exactly the step of computing every gradient first, as the "
             "dozen-line loop does."),
            ("It would even help: W1's gradient would then use the improved W2",
             "The updated W2 did not make this prediction: d_prediction came from the old W2, and mixing it "
             "with the new one gives W1 the gradient of no network at all. With a small α the mix is close, "
             "but it is no longer the gradient. Send the signal back through W2 before W2 moves."),
        ], 1),
        Question("bp-symmetry", "Why does training start from small random weights rather than from every "
                 "weight at 0?", [
            ("Random weights are only a head start; from all zeros training just takes longer",
             "It is worse than slow. If every weight starts equal, every hidden unit computes the same h for "
             "every house and gets the same gradient, so each step changes them alike: they stay copies of "
             "each other, and three hidden units do the work of one, however long you train. Random starting "
             "weights make them different."),
            ("σ(0) = 0.5 is where the sigmoid is flattest, so no error signal gets back",
             "σ(0) is where the sigmoid is steepest, not flattest: its slope h(1 − h) is largest there, 0.25, "
             "so the signal gets through best. The real trouble is symmetry: with equal weights every hidden "
             "unit computes the same h and gets the same gradient, so they stay copies, and three units do "
             "the work of one."),
            ("With equal weights every hidden unit computes the same and gets the same gradient: they stay "
             "copies",
             "Equal weights give every hidden unit the same z and h for every house, and equal weights to the "
             "output give them the same blame, so the same gradients. Each step changes them alike, so they "
             "never become different: three hidden units do the work of one. Small random weights break this "
             "symmetry. (All zeros is worse still here: every prediction is then 0, the average standardised "
             "price, and every gradient starts at almost exactly 0.)"),
        ], 2),
    ],
    "06_deeper": [
        Question("deep-signal", "In the network with three hidden layers (L = 4 layers of weights), the backward "
                 "loop has the error signal d_z at layer 3. What does it need to make the signal at layer 2?", [
            ("Layer 3's signal, layer 3's weights W3 (transposed) and the slope of layer 2",
             "The signal goes back through the weights it came forward through, W3, from layer 2 to layer 3, "
             "transposed (d_z @ W3.T), then entry by entry times the slope of layer 2, written with layer 2's "
             "output. Nothing else: that is why any depth is the same loop."),
            ("Layer 2's own weights W2 and the slope of layer 3",
             "W2 connects layer 1 to layer 2: the signal does not pass through it on the way from 3 to 2. It "
             "goes back through W3 (d_z @ W3.T), then through the slope of layer 2, where it arrives. W2 "
             "comes into play one turn later."),
            ("Only the output's error signal 2 (ŷ − y) / n, sent straight to every layer",
             "The output's signal reaches layer 2 only through the layers in between: at each it is "
             "multiplied by that layer's weights (transposed) and the slope below. Layer 2's signal is built "
             "from layer 3's, d_z @ W3.T, times layer 2's slope."),
        ], 0),
        Question("deep-meet", "E = e · e, with e = 0.5. The multiply gate sends e × 1 = 0.5 back along each of "
                 "its two inputs, and both are e. What is ∂E/∂e?", [
            ("0.5: the last signal to arrive",
             "That is the overwrite bug. e is used twice, so it changes E along two paths, and its gradient "
             "is the sum of both signals: 0.5 + 0.5 = 1.0 = 2e, the slope of e²."),
            ("1.0: the two signals add up, 2e",
             "e feeds the gate twice, so both signals count: 0.5 + 0.5 = 1.0. That is 2e, the slope of e², "
             "and the factor 2 in 05's error signal 2 (ŷ − y) / n."),
            ("0.25: the signals multiply",
             "Signals that meet are added, not multiplied: each path's effect on E adds to the other's. "
             "0.5 + 0.5 = 1.0 = 2e, the slope of e²."),
        ], 1),
        Question("deep-framework", "In PyTorch, what does loss.backward() do?", [
            ("It updates the weights, a step against each gradient",
             "That is optimizer.step(). loss.backward() only computes the gradients: it walks the graph that "
             "the forward pass recorded from the loss back, applies each operation's local rule, and adds "
             "the results into each tensor's .grad."),
            ("It walks the recorded graph from the loss back, applying each operation's rule and adding the "
             "results into each tensor's .grad",
             "Exactly our Tensor.backward: a topological order, the local rules, sums where paths meet. "
             "PyTorch also adds to whatever .grad held before, which is why training loops call "
             "optimizer.zero_grad() first."),
            ("It computes the gradients numerically, nudging each weight",
             "That would need two forward passes per parameter, far too slow for a real network. It walks the "
             "graph that the forward pass recorded, applying each operation's local rule: backpropagation."),
        ], 1),
        Question("deep-speed", "A network has 1,000,000 parameters. How many forward passes does one numerical "
                 "gradient take, and what does backprop take?", [
            ("About 2,000,000 forward passes; backprop, one forward and one backward pass",
             "Nudging each parameter up and down is two forward passes per parameter. Backprop gets every "
             "gradient from one pass each way, so its lead grows with the number of parameters."),
            ("About 1,000,000 for each: both must look at every parameter",
             "Both give every parameter a gradient, but not at the same cost. Nudging runs the whole network "
             "twice for each parameter, 2,000,000 forward passes; backprop runs it once forward and once "
             "backward for all of them together."),
            ("About 2 each: a numerical gradient also needs just a nudge up and a nudge down",
             "Two forward passes give the slope along one parameter only. For all of them, nudging needs two "
             "per parameter, 2,000,000; backprop needs one forward and one backward pass in all."),
        ], 0),
        Question("deep-vanish", "In a sigmoid network with 8 hidden layers (L = 9 layers of weights), weights "
                 "scaled 1 / √(inputs), layer 1's gradient is a millionth of the output layer's. Why?", [
            ("Backprop loses precision over many layers",
             "Backprop's gradients are exact here: they match nudging. They are small because each step down "
             "multiplies the signal by the sigmoid's slope, at most 0.25, and by the weights' factor, under "
             "1 here: a product well below 1, eight times over."),
            ("Each step down multiplies the signal by the slopes' factor (about 0.2) and a weights' factor "
             "that does not make up for it",
             "Eight steps of about 0.2 (the slopes) times 0.4 to 1 (the weights, in this network; 0.25 to 1.4 "
             "across 1 to 8 hidden layers) leave a millionth. Larger weights raise the weights' factor "
             "but push sigmoid units onto their flat ends, lowering the slopes' factor; tanh or ReLU with a "
             "matching starting scale keep the product near 1."),
            ("Layer 1 has fewer weights than the others, so each gets a smaller share",
             "Layer 1 has 16 weights against the output layer's 8, and a weight's gradient does not shrink "
             "because it has neighbours. It shrinks because the signal reaching layer 1 has been multiplied "
             "by about 0.2 (the slopes) times the weights' factor at each of eight steps."),
        ], 1),
    ],
}


def _find(question_id):
    for questions in QUESTIONS.values():
        for question in questions:
            if question.id == question_id:
                return question
    raise KeyError(f"There is no question {question_id!r}.")


def answer(question_id, choice):
    """The feedback on one choice (an index into the question's choices), as text, for scripts and tests."""
    question = _find(question_id)
    if not 0 <= choice < len(question.choices):
        raise ValueError(f"choice must be between 0 and {len(question.choices) - 1}, got {choice}")
    verdict = "✓ Right." if choice == question.answer else "✗ Not quite."
    _, feedback = question.choices[choice]
    return f"{verdict} {feedback}"


def record(question_id, choice):
    """Add one choice to the file COURSE_QUIZ_ANSWERS names, if it names one: a JSON line per click."""
    path = os.environ.get("COURSE_QUIZ_ANSWERS")
    if not path:
        return
    line = {"question": question_id, "choice": choice, "time": datetime.datetime.now().isoformat(timespec="seconds")}
    try:
        with open(path, "a", encoding="utf-8") as answers:
            answers.write(json.dumps(line) + "\n")
    except OSError:
        pass  # a full disk or a read-only home must not stop the quiz: the learner still sees the feedback
