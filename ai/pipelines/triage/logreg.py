"""Multinomial logistic regression with L2, in numpy, fitted by L-BFGS.

Small, dependency-free and fast enough on two cores for tens of thousands of labelled messages
(512-dim embeddings); the fitted weights are plain arrays that live in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class LogRegWeights:
    coef: np.ndarray  # (n_features, n_labels)
    intercept: np.ndarray  # (n_labels,)

    def logits(self, features: np.ndarray) -> np.ndarray:
        return features @ self.coef + self.intercept


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _loss_and_grad(params, features, onehot, sample_weight, l2, n_features, n_labels):
    coef = params[: n_features * n_labels].reshape(n_features, n_labels)
    intercept = params[n_features * n_labels :]
    # The two matrix products dominate; float32 halves their cost, the rest stays in float64.
    logits = (features @ coef.astype(np.float32)).astype(np.float64) + intercept
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_prob = shifted - log_norm
    total_weight = sample_weight.sum()
    loss = -(sample_weight * (onehot * log_prob).sum(axis=1)).sum() / total_weight
    loss += 0.5 * l2 * float((coef * coef).sum())
    residual = (np.exp(log_prob) - onehot) * (sample_weight[:, None] / total_weight)
    grad_coef = (features.T @ residual.astype(np.float32)).astype(np.float64) + l2 * coef
    grad_intercept = residual.sum(axis=0)
    return float(loss), np.concatenate([grad_coef.ravel(), grad_intercept])


def _lbfgs(func, x0, *, max_iter: int, tol: float, memory: int = 10):
    """Plain L-BFGS with a backtracking Armijo line search (enough for a convex smooth loss)."""
    x = x0
    loss, grad = func(x)
    s_hist: list[np.ndarray] = []
    y_hist: list[np.ndarray] = []
    for _ in range(max_iter):
        if np.abs(grad).max() < tol:
            break
        q = grad.copy()
        alphas = []
        for s, y in zip(reversed(s_hist), reversed(y_hist), strict=True):
            rho = 1.0 / float(y @ s)
            alpha = rho * float(s @ q)
            q -= alpha * y
            alphas.append((rho, alpha))
        if s_hist:
            q *= float(s_hist[-1] @ y_hist[-1]) / float(y_hist[-1] @ y_hist[-1])
        for (s, y), (rho, alpha) in zip(zip(s_hist, y_hist, strict=True), reversed(alphas), strict=True):
            beta = rho * float(y @ q)
            q += (alpha - beta) * s
        direction = -q
        slope = float(grad @ direction)
        if slope >= 0:  # not a descent direction: restart from steepest descent
            s_hist.clear()
            y_hist.clear()
            direction, slope = -grad, -float(grad @ grad)
        step = 1.0 if s_hist else min(1.0, 1.0 / max(np.abs(grad).sum(), 1e-12))
        for _ in range(30):
            candidate = x + step * direction
            new_loss, new_grad = func(candidate)
            if new_loss <= loss + 1e-4 * step * slope:
                break
            step *= 0.5
        else:
            break
        s_vec, y_vec = candidate - x, new_grad - grad
        if float(s_vec @ y_vec) > 1e-10:
            s_hist.append(s_vec)
            y_hist.append(y_vec)
            if len(s_hist) > memory:
                s_hist.pop(0)
                y_hist.pop(0)
        improvement = loss - new_loss
        x, loss, grad = candidate, new_loss, new_grad
        if improvement < tol * max(1.0, abs(loss)) * 1e-3:
            break
    return x


def fit_logreg(
    features: np.ndarray,
    labels: np.ndarray,
    n_labels: int,
    *,
    c: float = 10.0,
    sample_weight: np.ndarray | None = None,
    max_iter: int = 300,
    tol: float = 1e-5,
    warm_start: LogRegWeights | None = None,
) -> LogRegWeights:
    """Fit on `features` (n, d) and integer `labels` in [0, n_labels). `c` is the inverse L2 strength
    per example, as in the usual formulation: l2 = 1 / (c * n)."""
    features = np.ascontiguousarray(features, dtype=np.float32)
    n_samples, n_features = features.shape
    onehot = np.zeros((n_samples, n_labels))
    onehot[np.arange(n_samples), labels] = 1.0
    weights = np.ones(n_samples) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    l2 = 1.0 / (c * max(n_samples, 1))
    x0 = np.zeros(n_features * n_labels + n_labels)
    if warm_start is not None and warm_start.coef.shape == (n_features, n_labels):
        x0 = np.concatenate([warm_start.coef.ravel(), warm_start.intercept]).astype(np.float64)

    def objective(params):
        return _loss_and_grad(params, features, onehot, weights, l2, n_features, n_labels)

    params = _lbfgs(objective, x0, max_iter=max_iter, tol=tol)
    return LogRegWeights(
        coef=params[: n_features * n_labels].reshape(n_features, n_labels).astype(np.float32),
        intercept=params[n_features * n_labels :].astype(np.float32),
    )
