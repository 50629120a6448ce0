"""/api/search/ latency on the seed corpus, in process (Django's test client), page cache off:
the whole request over a fixed, varied list of queries (Chinese keywords and questions,
Traditional, English, pinyin). Prints median and p95 for the first pass (the process's
caches cold), then over ``--rounds`` passes with each query embedded afresh (the encoder's
cache of recent texts emptied before every request), then with the embeddings cached, as
for a query asked again.

    .venv/bin/python bench/api_search.py
    .venv/bin/python bench/api_search.py --profile 30     # cProfile's top 30 by cumulative time
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_speed .venv/bin/python bench/api_search.py
"""

import argparse
import cProfile
import pstats
import statistics
import time

from _setup import fresh_database, setup

QUERIES = [
    # Chinese keywords
    "融资", "数据隐私", "商业模式", "算力成本", "模型部署", "知识产权", "数据标注", "迁移学习",
    "风险投资", "差分隐私", "分布式训练", "可解释性", "智能客服", "政策法规",
    # Chinese questions
    "模型上线以后要做哪些维护", "怎样保证训练数据的质量", "创业公司怎么找投资", "钱不够了怎么办",
    "大模型训练太耗电了怎么办", "小公司怎么跟大厂竞争", "怎么防止用户数据被泄露出去",
    "AI会不会抢走人的工作", "大模型是什么", "如何评估模型的效果",
    # Traditional
    "數據隱私", "商業模式有哪些", "如何獲得風險投資", "伺服器成本", "資料安全", "程式設計",
    "模型部署到伺服器", "機器學習",
    # English
    "fundraising", "data privacy", "business model", "GDPR", "SaaS", "Transformer", "GPT-3",
    "how to raise venture capital", "fine-tuning a model", "compute cost", "ethics",
    # pinyin
    "shuju yinsi", "rongzi", "shangye moshi", "shùjù yǐnsī", "moxing bushu", "suanli chengben",
    "fengxian touzi",
]  # fmt: skip


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def run(client, rounds, fresh=True):
    from search import semantic

    times = []
    for _ in range(rounds):
        for q in QUERIES:
            if fresh:  # the query is embedded as if new
                with semantic._cache_lock:
                    semantic._text_cache.clear()
            start = time.perf_counter()
            response = client.get("/api/search/", {"q": q})
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (q, response.status_code)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="times through the query list")
    parser.add_argument("--profile", type=int, metavar="N", help="print cProfile's top N")
    args = parser.parse_args()
    setup()
    from django.conf import settings
    from django.test import Client

    settings.KB_PAGE_CACHE_ENABLED = False
    client = Client()
    with fresh_database() as connection:

        def report(times, what):
            print(
                f"{connection.vendor:<11} /api/search/ median {statistics.median(times):5.1f} ms"
                f"  p95 {percentile(times, 0.95):5.1f} ms  over {len(times):>3} requests, {what}"
            )

        # The first requests load the model, dictionaries and per-version tables.
        report(run(client, 1), "first pass")
        for fresh in (True, False):
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
            times = run(client, args.rounds, fresh)
            if args.profile:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
            report(times, f"{args.rounds} passes, embedding {'fresh' if fresh else 'cached'}")


if __name__ == "__main__":
    main()
