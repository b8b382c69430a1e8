#!/usr/bin/env python3
"""Spec generator and checker for selftest.sh (stdlib only).

  selftest.py spec  <out.json> [--crash]              write the test spec
  selftest.py check <version> <spec.json> <write.jsonl> <dump.jsonl> [--abnormal]
  selftest.py query <version> <spec.json> <write.jsonl> <query.jsonl> <key> <expectedCount>
  selftest.py first-record <storeDir>                  hexdump of the first CommitLog record

Every check failure is printed as "FAIL: ..." and makes the exit code 1.
"""
import json
import sys
import zlib

MiB = 1024 * 1024
STORE_HOST = "127.0.0.1:10911"
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def java_hash(s):
    """Java String.hashCode over UTF-16 code units, as a signed 32-bit int."""
    b = s.encode("utf-16-be")
    h = 0
    for i in range(0, len(b), 2):
        h = (31 * h + ((b[i] << 8) | b[i + 1])) & 0xFFFFFFFF
    return h - (1 << 32) if h & 0x80000000 else h


def body_bytes(i, size):
    """Deterministic pseudo-random body of a given size."""
    seed = (i * 2654435761) & 0xFFFFFFFF
    out = bytearray()
    while len(out) < size:
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        out += seed.to_bytes(4, "big")
    return bytes(out[:size])


def make_spec(crash):
    msgs = []
    born = 1700000000000
    topics = ["TopicA", "TopicB"]
    # 30 single messages over 2 topics x 2 queues
    for i in range(30):
        topic = topics[i % 2]
        qid = (i // 2) % 2
        props = {
            "KEYS": "key-%d shared-%s" % (i, topic) + (" ключ-5" if i == 5 else ""),
            "TAGS": ["TagA", "TagB", "order-created", "标签A"][i % 4],
            "UNIQ_KEY": "0A010203%04X%08X%012X" % (i, 0x1234ABCD, i),
            "userProp": "v%d" % i,
        }
        if i % 3 == 0:
            props["WAIT"] = "true"
        if i % 7 == 0:
            props["note"] = "é中文 ✓ #%d" % i
        if i == 0:
            body = b"Hello RocketMQ"
        elif i == 5:
            body = "你好, RocketMQ ✓ 🚀 message #5".encode("utf-8")
        elif i == 9:
            body = body_bytes(i, 200 * 1024)          # the 200 KB body
        elif i == 11:
            body = b""                                # empty body: BODYCRC 0
        elif i % 5 == 4:
            body = body_bytes(i, 300 * 1024)          # big bodies so that 1 MiB files roll
        else:
            body = ("body-%d-" % i).encode() + body_bytes(i, 40 + i)
        msgs.append({
            "topic": topic, "queueId": qid, "body": body.hex().upper(),
            "flag": i % 4, "sysFlag": 0, "bornTimestamp": born + i,
            "bornHost": "10.1.2.%d:%d" % (i + 1, 50000 + i), "reconsumeTimes": 2 if i == 7 else 0,
            "properties": props,
        })
        # 4 batches of 5 messages, interleaved
        if i in (3, 12, 20, 27):
            b = len([m for m in msgs if "batch" in m])
            items = []
            for j in range(5):
                n = 100 * (b + 1) + j
                items.append({
                    "body": (("batch-%d-item-%d " % (b, j)).encode() + body_bytes(n, 60 * 1024 if b == 1 else 30)).hex(),
                    "flag": j,
                    "properties": {"KEYS": "bkey-%d" % n, "TAGS": "BatchTag", "UNIQ_KEY": "0B0B0B0B%024X" % n},
                })
            entry = {"topic": topics[b % 2], "queueId": b % 2, "bornTimestamp": born + 1000 + b,
                     "bornHost": "10.9.9.%d:40000" % (b + 1), "flag": 0, "batch": items}
            if b == 0:
                # batch-level properties given explicitly (no batch UNIQ_KEY): items keep their UNIQ_KEY
                entry["properties"] = {"WAIT": "true"}
            msgs.append(entry)
    # one IPv6 born host
    msgs.append({"topic": "TopicV6", "queueId": 0, "bodyText": "born over IPv6", "bornTimestamp": born + 99,
                 "bornHost": "[2001:db8::7]:50001",
                 "properties": {"KEYS": "v6key", "TAGS": "V6", "UNIQ_KEY": "0A0A0A0A0000000000000000000000V6"}})
    spec = {
        "config": {"mappedFileSizeCommitLog": MiB, "mappedFileSizeConsumeQueue": 10 * 20, "flushDiskType": "ASYNC_FLUSH"},
        "storeHost": STORE_HOST,
        "messages": msgs,
    }
    if crash:
        spec["crash"] = True
    return spec


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def expected_records(version, spec, writes):
    """One expected record per stored CommitLog record, from the spec and the write command's output."""
    major5 = version.startswith("5.")
    puts = [w for w in writes if "status" in w]
    if len(puts) != len(spec["messages"]):
        fail("write: %d put lines for %d spec messages" % (len(puts), len(spec["messages"])))
    exp = []
    for m, w in zip(spec["messages"], puts):
        if w["status"] != "PUT_OK":
            fail("put %d status %s" % (w["index"], w["status"]))
            continue
        if "batch" in m:
            ids = w["msgId"].split(",")
            if len(ids) != len(m["batch"]) or w["msgNum"] != len(m["batch"]):
                fail("batch %d: %d ids, msgNum %s, %d items" % (w["index"], len(ids), w["msgNum"], len(m["batch"])))
            header_props = m.get("properties")
            for j, (it, mid) in enumerate(zip(m["batch"], ids)):
                props = dict(it["properties"])
                if header_props is not None:
                    props.update(header_props)
                else:
                    props["WAIT"] = "true"
                    if major5:
                        props["UNIQ_KEY"] = w["batchUniqKey"]   # batch-level UNIQ_KEY wins (read later)
                props["CLUSTER"] = "DefaultCluster"
                exp.append({
                    "topic": m["topic"], "queueId": m.get("queueId", 0), "queueOffset": w["queueOffset"] + j,
                    "commitLogOffset": int(mid[-16:], 16), "msgId": mid, "body": it["body"].upper(),
                    "flag": it.get("flag", 0), "bornTimestamp": m["bornTimestamp"], "bornHost": m["bornHost"],
                    "storeTimestamp": w["storeTimestamp"], "properties": props, "batch": True,
                    "tags": it["properties"].get("TAGS"),
                })
        else:
            body = m["body"].upper() if "body" in m else m["bodyText"].encode("utf-8").hex().upper()
            props = dict(m.get("properties", {}))
            props["CLUSTER"] = "DefaultCluster"
            if not major5:
                props.pop("WAIT", None)          # 4.9.x SendMessageProcessor does not store WAIT
            exp.append({
                "topic": m["topic"], "queueId": m.get("queueId", 0), "queueOffset": w["queueOffset"],
                "commitLogOffset": w["wroteOffset"], "size": w["wroteBytes"], "msgId": w["msgId"], "body": body,
                "flag": m.get("flag", 0), "bornTimestamp": m["bornTimestamp"], "bornHost": m["bornHost"],
                "storeTimestamp": w["storeTimestamp"], "properties": props, "batch": False,
                "reconsumeTimes": m.get("reconsumeTimes", 0), "tags": props.get("TAGS"),
            })
    return exp


def check(version, spec_path, write_path, dump_path, abnormal):
    spec = json.load(open(spec_path, encoding="utf-8"))
    writes = read_jsonl(write_path)
    dump = read_jsonl(dump_path)
    major5 = version.startswith("5.")
    exp = expected_records(version, spec, writes)
    wsum = [w for w in writes if w.get("summary")][0]
    if abnormal:
        if not wsum.get("crashed"):
            fail("write with crash:true did not report crashed")
    elif wsum.get("abortFileExistsAfterShutdown") or not wsum.get("shutDownNormal"):
        fail("write: abort file left after shutdown / shutDownNormal false")

    meta = dump[0]
    if not meta.get("meta") or meta.get("rocketmqVersion") != version:
        fail("dump meta line: %r" % meta)
    summary = dump[-1]
    msgs = [d for d in dump if "topic" in d and not d.get("summary") and not d.get("meta")]
    errors = [d for d in msgs if "error" in d]
    for e in errors:
        fail("dump error line: %r" % e)

    # counts
    if len(msgs) != len(exp):
        fail("dump has %d messages, wrote %d records" % (len(msgs), len(exp)))
    if summary.get("messages") != len(exp):
        fail("summary.messages %s != %d" % (summary.get("messages"), len(exp)))

    # offsets: per queue 0..n-1 contiguous, and summary queues agree
    perq = {}
    for e in exp:
        perq.setdefault((e["topic"], e["queueId"]), []).append(e["queueOffset"])
    for q, offs in perq.items():
        if sorted(offs) != list(range(len(offs))):
            fail("queue %s: written queue offsets not contiguous from 0: %s" % (q, sorted(offs)))
    sq = {(q["topic"], q["queueId"]): (q["min"], q["max"]) for q in summary["queues"]}
    for q, offs in perq.items():
        if sq.get(q) != (0, len(offs)):
            fail("queue %s: summary min/max %s, expected (0, %d)" % (q, sq.get(q), len(offs)))
    for q in sq:
        if q not in perq:
            fail("unexpected queue in dump: %s" % (q,))

    # record by record
    by_key = {(d["topic"], d["queueId"], d["queueOffset"]): d for d in msgs if "error" not in d}
    for e in exp:
        k = (e["topic"], e["queueId"], e["queueOffset"])
        d = by_key.get(k)
        if d is None:
            fail("record %s missing from dump" % (k,))
            continue
        where = "%s@%s" % (k, e["commitLogOffset"])
        for f in ("commitLogOffset", "msgId", "body", "flag", "bornTimestamp", "bornHost", "storeTimestamp"):
            if d.get(f) != e[f]:
                fail("%s: %s dumped %r, wrote %r" % (where, f, str(d.get(f))[:80], str(e[f])[:80]))
        if "size" in e and d["size"] != e["size"]:
            fail("%s: size %s != wroteBytes %s" % (where, d["size"], e["size"]))
        if d.get("cqCommitLogOffset") != d["commitLogOffset"] or d.get("cqSize") != d["size"]:
            fail("%s: CQ unit (%s,%s) does not point at the record" % (where, d.get("cqCommitLogOffset"), d.get("cqSize")))
        if d["storeHost"] != STORE_HOST:
            fail("%s: storeHost %s" % (where, d["storeHost"]))
        if d.get("reconsumeTimes") != e.get("reconsumeTimes", 0):
            fail("%s: reconsumeTimes %s" % (where, d.get("reconsumeTimes")))
        raw = bytes.fromhex(e["body"])
        crc = (zlib.crc32(raw) & 0x7FFFFFFF) if raw else 0
        if d["bodyCrc"] != crc:
            fail("%s: bodyCrc %s != %s" % (where, d["bodyCrc"], crc))
        tags = e.get("tags")
        want_tc = java_hash(tags) if tags else 0
        if d["tagsCode"] != want_tc:
            fail("%s: tagsCode %s != javaHash(%r)=%s" % (where, d["tagsCode"], tags, want_tc))
        if d["properties"] != e["properties"]:
            fail("%s: properties %r != %r" % (where, d["properties"], e["properties"]))
        if d["magic"] != "V1":
            fail("%s: magic %s" % (where, d["magic"]))
        v6 = e["bornHost"].startswith("[")
        if (d["sysFlag"] & 0x10 != 0) != v6:
            fail("%s: sysFlag %#x vs bornHost %s" % (where, d["sysFlag"], e["bornHost"]))
        # trailing 0x02 of the stored properties string: 4.9.1..5.1.x drop it, 5.2+ keep it (single sends;
        # batch records end with the broker-serialized batch properties, same rule)
        if d["propertiesTrailingSeparator"] != major5:
            fail("%s: propertiesTrailingSeparator %s" % (where, d["propertiesTrailingSeparator"]))
        if d["size"] != 91 + len(raw) + len(e["topic"]) + d["propertiesLength"] + (12 if v6 else 0):
            fail("%s: TOTALSIZE %s does not match the length formula" % (where, d["size"]))

    # the commit log rolled and every full file ends with a BLANK reaching the file end
    scan = summary["before"]["commitLog"]
    files = summary["commitLogFiles"]
    if len(files) < 2:
        fail("commit log did not roll: files %s" % files)
    full_files = [f for f in scan["files"] if "blank" in f]
    if scan["blanks"] < 1 or len(full_files) < len(files) - 1:
        fail("expected a BLANK in every full file: %r" % scan["files"])
    for f in full_files:
        if not f["blank"]["reachesFileEnd"] or f["blank"]["totalSize"] < 8:
            fail("bad BLANK in %s: %r" % (f["name"], f["blank"]))
    if scan["records"] != len(exp):
        fail("raw scan found %d records, expected %d" % (scan["records"], len(exp)))
    if summary["maxPhyOffsetBeforeRecovery"] != summary["maxPhyOffsetAfterRecovery"]:
        fail("Java recovery moved the end: %s -> %s" % (summary["maxPhyOffsetBeforeRecovery"],
                                                          summary["maxPhyOffsetAfterRecovery"]))
    last = max(exp, key=lambda e: e["commitLogOffset"])
    last_d = by_key.get((last["topic"], last["queueId"], last["queueOffset"]))
    if last_d and summary["maxPhyOffsetAfterRecovery"] != last_d["commitLogOffset"] + last_d["size"]:
        fail("max phy offset %s != end of last record %s" % (summary["maxPhyOffsetAfterRecovery"],
                                                              last_d["commitLogOffset"] + last_d["size"]))
    if summary["abortFileExistedAtStart"] != abnormal:
        fail("abortFileExistedAtStart %s" % summary["abortFileExistedAtStart"])
    if abnormal and not summary.get("nothingTruncated"):
        fail("verify-abnormal: nothingTruncated false: %r" % summary.get("consumeQueueCheck"))
    if summary.get("abortFileExistsAfterShutdown"):
        fail("abort file left after the dump's shutdown")

    print("%s %s: %d records (%d batch), %d queues, %d commit log files, %d BLANKs, max phy offset %d%s" % (
        "verify-abnormal" if abnormal else "dump", version, len(exp), sum(1 for e in exp if e["batch"]), len(perq),
        len(files), scan["blanks"], summary["maxPhyOffsetAfterRecovery"],
        ", abort existed, nothing truncated" if abnormal else ""))


def check_query(version, spec_path, write_path, query_path, key, expected):
    spec = json.load(open(spec_path, encoding="utf-8"))
    exp = expected_records(version, spec, read_jsonl(write_path))
    lines = read_jsonl(query_path)
    found = [l for l in lines if "queueOffset" in l]
    summary = lines[-1]
    if len(found) != expected or summary.get("count") != expected:
        fail("query %r: %d results (summary %s), expected %d" % (key, len(found), summary.get("count"), expected))
    by_off = {e["commitLogOffset"]: e for e in exp}
    for f in found:
        e = by_off.get(f["commitLogOffset"])
        if e is None or e["body"] != f["body"] or e["properties"] != f["properties"]:
            fail("query %r returned a record that was not written like this at %s" % (key, f["commitLogOffset"]))
            continue
        keys = set(e["properties"].get("KEYS", "").split(" ")) | {e["properties"].get("UNIQ_KEY")}
        if key not in keys:
            fail("query %r returned a record without that key: %r" % (key, e["properties"]))
    if not failures:
        print("query %s %r: %d result(s) as expected" % (version, key, len(found)))


def first_record(store_dir):
    path = store_dir + "/commitlog/00000000000000000000"
    with open(path, "rb") as f:
        head = f.read(4)
        size = int.from_bytes(head, "big")
        rec = head + f.read(size - 4)
    for off in range(0, len(rec), 16):
        chunk = rec[off:off + 16]
        hx = " ".join("%02X" % c for c in chunk)
        asc = "".join(chr(c) if 32 <= c < 127 else "." for c in chunk)
        print("    %04X  %-47s  %s" % (off, hx, asc))


def main():
    a = sys.argv[1:]
    if a[0] == "spec":
        with open(a[1], "w", encoding="utf-8") as f:
            json.dump(make_spec("--crash" in a), f, ensure_ascii=False)
    elif a[0] == "check":
        check(a[1], a[2], a[3], a[4], "--abnormal" in a)
    elif a[0] == "query":
        check_query(a[1], a[2], a[3], a[4], a[5], int(a[6]))
    elif a[0] == "first-record":
        first_record(a[1])
    else:
        raise SystemExit(__doc__)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
