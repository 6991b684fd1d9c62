"""Would fine-tuning the encoder, not only the head, lift the shipped sentiment? e5-small is
trained end to end (all layers but the token embeddings, mean pooling, a linear 3-class layer)
on the shipped head's licence-clean training data (models/sentiment-e5-small/recipe.py, project
sentences weighted by repetition), then scored on the sets the shipped head is scored on. An
experiment, not a shipped model: the weights would be ~470 MB and stay in memory.

    python benchmarks/sentiment_finetune.py [--epochs 1] [--lr 3e-5] [--eval-every 600]

Prints macro-F1 per set at every --eval-every steps and at the end (~25 min per epoch on 2 cores).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from sentiment_eval import _recipe, eval_sets
from sklearn.metrics import f1_score

from common import need_shared

LABELS = ["negative", "neutral", "positive"]
SETS = ["en airline", "ru banks", "ru telecom", "lv held-out"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--eval-every", type=int, default=600)
    args = parser.parse_args()
    import torch
    from transformers import AutoModel, AutoTokenizer

    from themes.embedding.model import resolve_model
    from themes.text.clean import clean_text

    torch.manual_seed(0)
    shared, recipe = need_shared(), _recipe()
    data = recipe.training_data(shared)
    project = data[data["source"] == "project"]
    data = pd.concat([data] + [project] * (int(recipe.PROJECT_WEIGHT) - 1)).sample(frac=1, random_state=0)
    y = data["label"].map(LABELS.index).to_numpy()
    texts = ["query: " + clean_text(t) for t in data["text"].astype(str)]
    folder = resolve_model(None).path
    tokenizer, encoder = AutoTokenizer.from_pretrained(folder), AutoModel.from_pretrained(folder)
    encoder.embeddings.word_embeddings.weight.requires_grad_(False)  # 96M of the 118M parameters
    layer = torch.nn.Linear(encoder.config.hidden_size, 3)
    trained = [p for p in encoder.parameters() if p.requires_grad] + list(layer.parameters())
    optimiser = torch.optim.AdamW(trained, lr=args.lr, weight_decay=0.01)
    steps = int(len(texts) / args.batch * args.epochs)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1, (s + 1) / 100) * max(0.0, 1 - s / steps))

    def pooled(batch: list[str]):
        tokens = tokenizer(batch, padding=True, truncation=True, max_length=args.max_tokens, return_tensors="pt")
        mask = tokens["attention_mask"].unsqueeze(-1).float()
        return (encoder(**tokens).last_hidden_state * mask).sum(1) / mask.sum(1)

    sets = eval_sets(shared)

    def evaluate(tag: str) -> None:
        encoder.eval()
        scores = {}
        with torch.no_grad():
            for name in SETS:
                frame = sets[name]
                batch_texts = ["query: " + clean_text(t) for t in frame["text"].astype(str)]
                order, predicted = np.argsort([len(t) for t in batch_texts]), np.empty(len(batch_texts), int)
                for start in range(0, len(order), 128):
                    rows = order[start:start + 128]
                    predicted[rows] = layer(pooled([batch_texts[i] for i in rows])).argmax(1).numpy()
                scores[name] = round(f1_score(frame["label"], np.array(LABELS)[predicted], average="macro"), 3)
        encoder.train()
        print(tag, scores, flush=True)

    rng = np.random.default_rng(0)
    by_length = np.argsort([len(t) for t in texts], kind="stable")  # batches of similar length, in random order
    batches = [by_length[i:i + args.batch] for i in range(0, len(by_length), args.batch)]
    loss_of, step, started = torch.nn.CrossEntropyLoss(), 0, time.perf_counter()
    encoder.train()
    while step < steps:
        for b in rng.permutation(len(batches)):
            rows = batches[b]
            loss = loss_of(layer(pooled([texts[i] for i in rows])), torch.tensor(y[rows]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if step % args.eval_every == 0:
                evaluate(f"step {step}/{steps} ({time.perf_counter() - started:.0f} s)")
            if step >= steps:
                break
    evaluate(f"final, {step} steps ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
