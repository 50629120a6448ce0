"""Search at scale: synthetic corpora made by recombining seed sentences, indexed through the
real backend; prints index time, index size and query latency (median, p95 over 50 fixed
queries), then the /api/search/ median on the seed corpus.

    .venv/bin/python bench/search_scale.py --sizes 1000 10000 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/search_scale.py
"""

import argparse
import random
import re
import statistics
import time

from _setup import fresh_database, setup

QUERIES = [
    "融资", "数据隐私", "商业模式", "算力成本", "伦理问题", "模型部署", "知识产权", "硬件需求",
    "团队建设", "市场推广", "数据质量", "模型压缩", "分布式训练", "可解释性", "GDPR", "SaaS",
    "Transformer", "GPT-3", "风险投资", "自动驾驶", "医疗影像", "金融风控", "智能客服", "能耗",
    "模型上线以后要做哪些维护", "怎样保证训练数据的质量", "创业公司怎么找投资", "數據隱私",
    "商業模式有哪些", "如何獲得風險投資", "大模型训练太耗电了怎么办", "小公司怎么跟大厂竞争",
    "怎么防止用户数据被泄露出去", "AI会不会抢走人的工作", "模型太大跑得太慢怎么办", "出海",
    "数据标注", "迁移学习", "用户反馈", "竞争优势", "可持续发展", "政策法规", "数据安全",
    "深度学习", "神经网络", "项目管理", "企业文化", "国际化", "云计算", "差分隐私",
]  # fmt: skip


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def sentences():
    from questions.models import Entry

    out = []
    for e in Entry.objects.all():
        out += [s for s in re.split(r"(?<=[。！？])", e.answer) if len(s.strip()) > 8]
    return out


def build_corpus(size, pool, rng):
    from questions.models import Document, Entry, Topic

    document = Document.objects.create(
        filename=f"synthetic-{size}.txt", original_text="", sha256=""
    )
    topics = list(Topic.objects.all())
    batch = []
    for i in range(size):
        parts = rng.sample(pool, 4)
        batch.append(
            Entry(document=document, key=str(i), position=i, section=str(i),
                  question=parts[0][:120].strip(), answer="".join(parts[1:]))
        )  # fmt: skip
    Entry.objects.bulk_create(batch, batch_size=2000)
    through = Entry.topics.through
    links = [
        through(entry_id=pk, topic_id=rng.choice(topics).pk)
        for pk in document.entries.values_list("pk", flat=True)
    ]
    through.objects.bulk_create(links, batch_size=5000)
    return document


def measure(size, pool, workers):
    from django.core.management import call_command
    from haystack import connections
    from haystack.inputs import Raw
    from haystack.query import SearchQuerySet

    rng = random.Random(size)
    with fresh_database(seeds=False) as connection:
        call_command("migrate", verbosity=0)
        from questions.importer import sync_topics

        sync_topics()
        build_corpus(size, pool, rng)
        start = time.perf_counter()
        call_command(
            "rebuild_index", interactive=False, verbosity=0, workers=workers, batchsize=2000
        )
        index_seconds = time.perf_counter() - start
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # as autovacuum would, before queries
                cursor.execute("ANALYZE search_indexentry")
        backend = connections["default"].get_backend()
        size_mb = backend.index_bytes() / 1e6
        latencies = []
        for q in QUERIES:
            start = time.perf_counter()
            list(SearchQuerySet().filter(content=Raw(q))[:10])
            latencies.append((time.perf_counter() - start) * 1000)
        print(
            f"{connection.vendor:<11}{size:>8}  index {index_seconds:7.1f} s ({workers} workers)  size {size_mb:7.1f} MB"
            f"  query median {statistics.median(latencies):6.1f} ms  p95 {percentile(latencies, 0.95):6.1f} ms"
        )


def api_median():
    from django.test import Client

    client = Client()
    with fresh_database() as connection:
        times = []
        for q in QUERIES * 2:
            start = time.perf_counter()
            response = client.get("/api/search/", {"q": q})
            assert response.status_code == 200
            times.append((time.perf_counter() - start) * 1000)
        print(f"{connection.vendor:<11}  seeds  /api/search/ median {statistics.median(times):.1f} ms"
              f"  p95 {percentile(times, 0.95):.1f} ms over {len(times)} requests")  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--workers", type=int, default=2, help="rebuild_index processes")
    args = parser.parse_args()
    setup()
    api_median()
    with fresh_database():
        pool = sentences()
    for size in args.sizes:
        measure(size, pool, args.workers)


if __name__ == "__main__":
    main()
