"""Triage pipeline: plain functions, no database access.

- embedding: sentence vectors (one embedder per process) and the evaluation cache
- prototypes: zero-shot similarity to topic descriptions and examples
- logreg, history: the learned model (numpy logistic regression + nearest labelled messages)
- calibration: temperature scaling and the history/description blend
- classifier: picks the regime and predicts a topic with a calibrated confidence
- llm_topic: the LLM regime (structured output)
- signals: language, sentiment, urgency
"""
