"""A small bilingual cache with three clear topics, for the For you tests.

Each paper draws most of its words from one topic (English and Chinese) and
the rest from shared filler, so a model trained on one topic's stars has
something to find, and similarity has neighbours.
"""

from __future__ import annotations

import random
from pathlib import Path

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

TOPICS = {
    "diffusion": (
        "diffusion denoising score image generation sampler noise schedule guidance latent",
        "扩散 去噪 图像 生成 采样 噪声 引导 潜在",
        "cs.CV",
    ),
    "rl": (
        "reinforcement policy reward agent environment exploration value actor critic",
        "强化 策略 奖励 智能体 环境 探索 价值 演员",
        "cs.LG",
    ),
    "parsing": (
        "syntactic parsing treebank dependency grammar constituency tagging morphology",
        "句法 解析 树库 依存 语法 成分 标注 形态",
        "cs.CL",
    ),
}
FILLER_EN = "we propose method results show model data training experiments novel approach"
FILLER_ZH = "我们 提出 方法 结果 表明 模型 数据 训练 实验 新的"


def make_paper(rng: random.Random, topic: str, pid: str) -> Paper:
    en, zh, cat = TOPICS[topic]
    en_w, zh_w = en.split(), zh.split()
    fill_en, fill_zh = FILLER_EN.split(), FILLER_ZH.split()

    def mix(words: list[str], filler: list[str], n: int, sep: str) -> str:
        return sep.join(
            rng.choice(words) if rng.random() < 0.5 else rng.choice(filler) for _ in range(n)
        )

    return Paper(
        id=pid,
        version="v1",
        title_en=mix(en_w, fill_en, 8, " ").capitalize(),
        title_zh=mix(zh_w, fill_zh, 5, ""),
        summary_zh=mix(zh_w, fill_zh, 10, ""),
        abstract_en=mix(en_w, fill_en, 80, " "),
        abstract_zh=mix(zh_w, fill_zh, 40, ""),
        authors=[f"Author {topic} {rng.randint(1, 6)}", f"Someone {rng.randint(1, 40)}"],
        categories=[cat],
        announce_type="new",
    )


def build(db: Path, days: int = 4, per_topic: int = 12, seed: int = 1) -> dict[str, list[str]]:
    """Import `days` daily digests into the cache at `db`; returns topic -> ids (oldest first)."""
    rng = random.Random(seed)
    ids: dict[str, list[str]] = {t: [] for t in TOPICS}
    serial = 0
    with Store.open(db) as store:
        for day in range(days):
            papers = []
            for topic in TOPICS:
                for _ in range(per_topic):
                    serial += 1
                    pid = f"2403.{serial:05d}"
                    papers.append(make_paper(rng, topic, pid))
                    ids[topic].append(pid)
            rng.shuffle(papers)
            date = f"2024-03-{day + 10:02d}"
            store.import_digest(Digest(name=f"digest-mixed-{date}", date=date, papers=papers))
    return ids


def star(db: Path, paper_ids: list[str], starred: bool = True) -> None:
    with Store.open(db) as store:
        pks = [store.get_paper(i).rowid for i in paper_ids]  # type: ignore[union-attr]
        store.set_starred(pks, starred)
