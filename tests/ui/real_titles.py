"""A cache of papers with real-length bilingual titles, for the layout tests and
snapshots (issue 12).

The text is the project's own (../shared/samples/README.md asks that the
samples are not copied into the project): titles written to the lengths real
digest titles have (37 to 141 characters in digest-cs.LG-2024-07-15-mixed.md,
Chinese titles of 11 to 40 characters), a Chinese one-line summary each and
abstracts of a real abstract's length. NO_CATEGORIES has no categories, like
the 2024 digests; WITH_CATEGORIES names one per paper, like the 2023 ones.
"""

from __future__ import annotations

from pathlib import Path

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

NO_CATEGORIES = "digest-cs.LG-2024-07-15"
WITH_CATEGORIES = "digest-cs.AI-2023-07-27"

LONG_TITLE = (
    "GridFusion: A Layout-Aware Generative Model for Floor Plan Completion, "
    "Refinement, and Generation"
)
FIRST_SUMMARY = (
    "在有限的成对比较下学习度量，表明即使无法恢复每个用户的理想点，低维结构仍能让度量被恢复。"
)

# (English title, Chinese title, Chinese one-line summary)
TITLES = [
    (
        "Learning Metrics from a Few Pairwise Comparisons per User",
        "每个用户少量成对比较下的度量学习",
        FIRST_SUMMARY,
    ),
    (
        "Semi-Supervised Training for Deep Causal Generative Models",
        "深度因果生成模型的半监督训练",
        "利用变量间的因果关系训练半监督的深度生成模型，使未标注的数据也能被充分利用。",
    ),
    (
        LONG_TITLE,
        "GridFusion：一种布局感知的生成模型，用于平面图的补全、细化和生成",
        "提出一种布局感知的平面图生成框架，用二维网格表示增强建模，并保证房间之间的空间一致性。",
    ),
    (
        "Can small language models plan in context?",
        "小型语言模型能在上下文中进行规划吗？",
        "研究发现，小型语言模型在没有额外提示的情况下很难稳定地规划多步任务。",
    ),
    (
        "OTMatch: Multi-view Optimal Transport for Zero-Shot Object Matching",
        "OTMatch：用于零样本目标匹配的多视角最优传输",
        "用多视角最优传输对齐文本与图像特征，在零样本目标匹配上超过已有方法。",
    ),
    (
        "BaLance: Boosting Imbalanced Semi-supervised Learning via Balanced Feature-Level Contrast",
        "BaLance：通过平衡的特征级对比增强不平衡半监督学习",
        "在特征层面平衡各类别的对比学习，缓解半监督学习中长尾类别的表示塌缩问题。",
    ),
    (
        "EnvGrow: Generating and Adapting Training Environments with LLMs for Embodied Agents",
        "EnvGrow：用大语言模型生成和调整训练环境以训练具身智能体",
        "让大语言模型按智能体的弱点生成并调整训练环境，以较少的交互次数提升具身智能体的能力。",
    ),
    (
        "State space representations of the Roesser type for convolutional layers",
        "卷积层的Roesser型状态空间表示",
        "从控制理论的角度为二维卷积层给出Roesser型状态空间表示，并给出最小状态维数。",
    ),
    (
        "StainShift: Controlling Diffusion for Faster Style Transfer in "
        "Multi-Gigapixel Pathology Images",
        "StainShift：在多吉像素病理图像中控制扩散以加快风格迁移",
        "用条件扩散模型做染色风格迁移，处理多吉像素病理切片的速度比已有方法快一个数量级。",
    ),
    (
        "Split Attention for Single-Context Large-Batch Sampling",
        "单上下文大批量采样的分裂注意力",
        "把注意力拆成共享上下文和各自生成两部分，减少大批量采样时重复读取的显存。",
    ),
    (
        "Latent Dataset Distillation with Diffusion Priors",
        "使用扩散先验的潜在数据集蒸馏",
        "在扩散模型的潜在空间中蒸馏数据集，用更少的合成样本保留原数据集的训练效果。",
    ),
    (
        "Heavy-Tailed Label Imbalance and Why Adaptive Methods Outperform SGD on Language Models",
        "重尾标签不平衡以及为什么自适应方法在语言模型上优于随机梯度下降",
        "研究发现语言数据中的重尾类别不平衡使随机梯度下降变慢，而自适应方法受影响较小。",
    ),
    (
        "Towards Shared Task Embeddings Across Many Models: Closing the Gap Between Prompt-Based "
        "Language Models and the Rest",
        "跨越多个模型的共享任务嵌入：弥合基于提示的语言模型与其他模型之间的差距",
        "提出一个统一的任务嵌入框架，使不同架构的模型共享同一个任务空间。",
    ),
    (
        "Tracking Convex Costs under Long-term Budget Limits",
        "长期预算约束下的凸代价追踪",
        "研究带长期预算约束的在线凸优化，给出同时控制遗憾和约束违背的算法。",
    ),
    (
        "STENCIL-Lite: Submodular Mutual Information for Weak Supervision in "
        "Cold-Start Active Learning",
        "STENCIL-Lite：冷启动主动学习中基于次模互信息的弱监督",
        "用次模互信息挑选稀有类别的样本并请标注者粗略标记，改善冷启动阶段的主动学习。",
    ),
    (
        "Diffusion Annealing Improves Parameter Estimation with Probabilistic Solvers for "
        "Ordinary Differential Equations",
        "扩散退火改善概率求解器对常微分方程参数估计的效果",
        "逐步降低概率求解器中的噪声水平，使常微分方程的参数估计更稳定地收敛。",
    ),
    (
        "Instruction Tuning for Safer Code Generation",
        "更安全代码生成的指令调优",
        "在指令调优数据中加入安全与不安全代码的成对示例，降低模型生成漏洞代码的比例。",
    ),
    (
        "Loss Shaping Constraints for Long-Horizon Time Series Forecasting",
        "长时程时间序列预测的损失塑形约束",
        "为每个预测步长的损失设置上限，避免模型只在部分步长上表现良好。",
    ),
    (
        "Fast generalisation in people but a generalisation delay in deep networks: evidence "
        "for a representational gap in simple rule learning tasks",
        "人的快速泛化与深度网络的泛化延迟——表示差异的证据？",
        "对比人和深度网络在简单规则学习任务中的泛化速度，发现两者的表示方式存在差异。",
    ),
    (
        "Tree Ensembles for Contextual Bandits",
        "用于情境多臂老虎机的树集成",
        "用树集成模型估计奖励并结合汤普森采样，在多个情境老虎机基准上表现良好。",
    ),
]
CATEGORIES = ["cs.SD", "cs.CV", "cs.RO", "cs.CL", "cs.LG", "cs.IR", "cs.LG", "cs.AI"]

ABSTRACT_EN = " ".join(
    f"Sentence {i} of an abstract written for these tests, about as long as the sentences "
    "arXiv abstracts have, so that the detail pane and the reading view wrap it as they "
    "would wrap a real one."
    for i in range(1, 8)
)
ABSTRACT_ZH = "".join(
    f"这是为测试而写的摘要的第{i}句，长度与真实摘要中的句子相当，用来检查详情面板和阅读视图的换行。"
    for i in range(1, 9)
)


def _papers(prefix: str, count: int, *, categories: bool) -> list[Paper]:
    papers = []
    for i, (en, zh, summary) in enumerate(TITLES[:count]):
        pid = f"{prefix}.{10000 + i:05d}"
        papers.append(
            Paper(
                id=pid,
                version="v1",
                url=f"https://arxiv.org/abs/{pid}",
                title_en=en,
                title_zh=zh,
                summary_zh=summary,
                abstract_en=ABSTRACT_EN,
                abstract_zh=ABSTRACT_ZH,
                categories=[CATEGORIES[i % len(CATEGORIES)]] if categories else [],
                announce_type="new",
            )
        )
    return papers


DIGESTS = {
    NO_CATEGORIES: ("2024-07-15", lambda: _papers("2403", 20, categories=False)),
    WITH_CATEGORIES: ("2023-07-27", lambda: _papers("2307", 10, categories=True)),
}


def build_real_cache(path: Path, *names: str) -> Path:
    """A cache holding the named digests (default: the one without categories)."""
    with Store.open(path) as store:
        for name in names or (NO_CATEGORIES,):
            date, papers = DIGESTS[name]
            store.import_digest(Digest(name=name, date=date, papers=papers()))
    return path
