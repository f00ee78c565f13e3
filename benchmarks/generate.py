"""Realistic synthetic bilingual digests for benchmarks.

`make_digests(n_papers, seed)` returns digests of 150-700 papers each, one per
category per day going back from 2024-06-28, holding `n_papers` distinct
papers; about 3% of each digest repeats papers of the previous one (cross-lists
appear in several category digests). Text is drawn from real vocabularies with
a Zipf-like frequency, so common words match many papers and rare ones few:
Chinese abstracts of ~300 characters built from real words, English abstracts
of ~1,000 characters, titles in both languages, authors, categories, versions
and announce types.

CLI: python benchmarks/generate.py --papers 100000 --db PATH
(`--papers 500000` takes several minutes and ~2 GB of disk; not part of the suite.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from tui_digest.core.model import Digest, Paper


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ZH_WORDS = _words(
    "模型 学习 神经 网络 数据 训练 方法 任务 性能 实验 结果 基于 框架 算法 优化 "
    "图像 语言 大型 推理 生成 扩散 遗忘 知识 检索 增强 强化 策略 多模态 对齐 "
    "评估 基准 数据集 注意力 机制 表示 特征 鲁棒性 泛化 效率 计算 参数 微调 "
    "预训练 零样本 少样本 分类 分割 检测 目标 视觉 文本 语音 图神经网络 联邦学习 "
    "隐私 安全 攻击 防御 可解释性 因果 推断 概率 贝叶斯 采样 蒸馏 压缩 量化 加速 "
    "硬件 机器人 控制 规划 智能体 交互 人类 反馈 偏好 奖励 损失 函数 梯度 收敛 "
    "理论 分析 证明 上界 下界 误差 噪声 不确定性 时间序列 预测 异常 聚类 降维 "
    "嵌入 向量 矩阵 张量 稀疏 低秩 变换器 编码器 解码器 对比 自监督 标注 合成 "
    "医学 诊断 蛋白质 分子 药物 化学 物理 气候 金融 推荐 系统 用户 搜索 排序 "
    "问答 对话 翻译 摘要 代码 程序 数学 几何 拓扑 持续 灾难性 领域 适应 迁移 "
    "元学习 课程 主动 在线 离线 分布式 并行 通信 能耗 边缘 设备 公平性 偏见 伦理 "
    "社会 影响 幻觉 指令 提示 思维链 工具 记忆 长上下文 视频 三维 点云 场景 导航"
)
ZH_GLUE = _words(
    "我们 本文 的 的 的 了 在 和 与 对 中 并 通过 以及 一种 新的 显著 提高 "
    "现有 问题 此外 然而 同时 这些 能够 进行 实现 相比 有效 广泛 大量 提出 表明 "
    "研究 探索 发现 其 该 为 从"
)
EN_WORDS = _words(
    "the of and a to in we is for that on with this by as are our model models learning data "
    "which from be an can method methods these results show propose paper approach "
    "performance using task tasks training neural network networks language large based new "
    "framework problem such it two also than both more deep existing work while demonstrate "
    "its has through benchmark benchmarks state art not dataset datasets diffusion "
    "transformer transformers attention reasoning generation generative retrieval augmented "
    "reinforcement policy agent agents multimodal alignment evaluation robustness "
    "generalization efficiency efficient parameters fine tuning pretraining pretrained zero "
    "shot few classification segmentation detection object vision visual text speech graph "
    "federated privacy security adversarial attack defense interpretability causal inference "
    "probabilistic bayesian sampling distillation compression quantization hardware robot "
    "robotic control planning interaction human feedback preference reward loss function "
    "gradient convergence theory theoretical analysis bound error noise uncertainty time "
    "series forecasting anomaly clustering embedding embeddings vector matrix tensor sparse "
    "low rank encoder decoder contrastive self supervised unsupervised annotation synthetic "
    "medical diagnosis protein molecular drug chemistry physics climate financial "
    "recommendation system systems user search ranking question answering dialogue "
    "translation summarization code program mathematical geometric topological continual "
    "catastrophic forgetting domain adaptation transfer meta curriculum active online offline "
    "distributed parallel communication energy edge device fairness bias ethical social "
    "hallucination instruction prompt prompting chain thought tool memory context video scene "
    "navigation point cloud kernel optimization stochastic scalable linear nonlinear "
    "empirical experiments extensive outperforms significantly improves accuracy latency "
    "memory throughput computational cost objective constraint representation representations "
    "latent space manifold estimator estimation regression convex nonconvex sample complexity"
)
GIVEN = _words(
    "Wei Jing Li Ming Hao Yu Xin Lei Tao Yang Anna John Maria David Sarah Michael Laura "
    "Carlos Priya Ahmed Yuki Hiroshi Elena Pierre Olga Ivan Fatima Omar Chen Zhang Jun"
)
FAMILY = _words(
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Smith Johnson "
    "Brown Garcia Miller Davis Martin Muller Rossi Kim Park Tanaka Suzuki Singh Kumar Ivanov "
    "Dubois Silva Nguyen Lopez Cohen"
)
CATEGORIES = ("cs.AI", "cs.LG", "cs.CL", "cs.CV", "stat.ML", "cs.RO", "cs.IR", "cs.CR")
DIGEST_CATEGORIES = CATEGORIES[:4]
TYPES = ("new", "new", "new", "new", "new", "new", "cross", "cross", "replace", "replace-cross")


def _zipf(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (rank + 1) ** s for rank in range(n)]


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.zh_w = _zipf(len(ZH_WORDS), 0.9)
        self.en_w = _zipf(len(EN_WORDS), 0.8)

    def zh(self, chars: int) -> str:
        out: list[str] = []
        size = 0
        while size < chars:
            words = self.rng.choices(ZH_WORDS, self.zh_w, k=6)
            glue = self.rng.choices(ZH_GLUE, k=4)
            sentence = "".join(
                w + (glue[i] if i < 4 and self.rng.random() < 0.6 else "")
                for i, w in enumerate(words)
            ) + self.rng.choice("，。。")
            out.append(sentence)
            size += len(sentence)
        return "".join(out)[:chars].rstrip("，") + "。"

    def en(self, chars: int) -> str:
        words = self.rng.choices(EN_WORDS, self.en_w, k=chars // 6 + 8)
        text = " ".join(words)[:chars]
        return text[0].upper() + text[1:]

    def title(self) -> str:
        words = self.rng.choices(EN_WORDS[20:], k=self.rng.randint(5, 11))
        return " ".join(w.capitalize() if i == 0 or len(w) > 3 else w for i, w in enumerate(words))


def iter_digests(
    n_papers: int,
    seed: int = 0,
    *,
    oldest_first: bool = False,
    per_digest: tuple[int, int] = (150, 700),
) -> Iterator[Digest]:
    """The digests of `make_digests` one at a time, holding only the last one.

    Newest first by default (the order they are generated in, so the output is
    the same as before for a seed). `oldest_first` walks the days the other way
    round (the order a user imports them; the text differs but is drawn alike),
    so a 500k-paper cache can be built without holding every paper at once.
    `per_digest`: the range each digest's paper count is drawn from.
    """
    rng = random.Random(seed)
    w = _Writer(rng)
    made = 0
    serial: dict[str, int] = {}
    previous: list[Paper] = []
    sizes: list[int] = []
    while made < n_papers:
        size = min(rng.randint(*per_digest), n_papers - made)
        sizes.append(size)
        made += size
    days: list[dt.date] = []
    day = dt.date(2024, 6, 28)
    for i in range(len(sizes)):
        if i and i % len(DIGEST_CATEGORIES) == 0:
            day -= dt.timedelta(days=1 if day.weekday() else 3)
        days.append(day)
    order = range(len(sizes) - 1, -1, -1) if oldest_first else range(len(sizes))
    for i in order:
        size, day = sizes[i], days[i]
        cat = DIGEST_CATEGORIES[i % len(DIGEST_CATEGORIES)]
        yymm = day.strftime("%y%m")
        papers: list[Paper] = []
        for _ in range(size):
            serial[yymm] = serial.get(yymm, 0) + 1
            kind = rng.choice(TYPES)
            cats = [cat] if kind in ("new", "replace") else [rng.choice(CATEGORIES), cat]
            cats += rng.sample(CATEGORIES, rng.randint(0, 2))
            cats = list(dict.fromkeys(cats))
            papers.append(
                Paper(
                    id=f"{yymm}.{serial[yymm]:05d}",
                    version=f"v{1 if kind in ('new', 'cross') else rng.randint(2, 5)}",
                    url=f"https://arxiv.org/abs/{yymm}.{serial[yymm]:05d}",
                    title_en=w.title(),
                    title_zh=w.zh(rng.randint(12, 30)),
                    summary_zh=w.zh(rng.randint(30, 60)),
                    abstract_en=w.en(rng.randint(800, 1100)),
                    abstract_zh=w.zh(rng.randint(250, 350)),
                    authors=[
                        f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
                        for _ in range(rng.randint(1, 8))
                    ],
                    categories=cats,
                    announce_type=kind,
                    published=(day - dt.timedelta(days=rng.randint(1, 3))).isoformat(),
                )
            )
        # Cross-lists: a few papers of the previous digest appear here as well.
        shared = rng.sample(previous, min(len(previous), size // 33)) if previous else []
        for p in shared:
            papers.insert(rng.randrange(len(papers) + 1), p)
        yield Digest(
            name=f"digest-{cat}-{day.isoformat()}",
            source=f"synthetic/{cat}/{day.isoformat()}.md",
            date=day.isoformat(),
            papers=papers,
        )
        previous = papers


def make_digests(n_papers: int, seed: int = 0) -> list[Digest]:
    """`n_papers` distinct papers grouped into dated category digests, oldest first."""
    digests = list(iter_digests(n_papers, seed))
    digests.reverse()  # oldest first, the order a user would have imported them
    return digests


def build_cache(db: Path, n_papers: int, seed: int = 0) -> dict[str, float]:
    """Create a cache at `db` holding `n_papers` synthetic papers; returns timings."""
    from tui_digest.core.store import Store

    # Streamed oldest first (up to 500k papers in bounded memory); generating
    # is timed apart from importing.
    gen_s = 0.0
    n_digests = 0
    t1 = time.perf_counter()
    with Store.open(db) as store:
        digests = iter_digests(n_papers, seed, oldest_first=True)
        while True:
            g0 = time.perf_counter()
            d = next(digests, None)
            gen_s += time.perf_counter() - g0
            if d is None:
                break
            n_digests += 1
            store.import_digest(d)
        store._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = int(store.stats()["size_bytes"])  # type: ignore[call-overload]
    import_s = time.perf_counter() - t1 - gen_s
    return {
        "papers": n_papers,
        "digests": n_digests,
        "generate_s": round(gen_s, 2),
        "import_s": round(import_s, 2),
        "import_papers_per_s": round(n_papers / import_s),
        "size_bytes": size,
        "size_mb": round(size / 1e6, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--db", type=Path, required=True, help="cache to create (must not exist)")
    args = ap.parse_args(argv)
    if args.db.exists():
        ap.error(f"{args.db} exists; give a new path")
    print(json.dumps(build_cache(args.db, args.papers, args.seed), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
