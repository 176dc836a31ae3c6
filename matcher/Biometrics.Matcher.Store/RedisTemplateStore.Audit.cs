using System.Buffers;
using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace Biometrics.Matcher.Store;

// The audit stream (docs/REDIS.md, "Audit stream"): one entry per append, its records in one field as a JSON array in
// the order they were made. Entries written before (one record each, its fields as the entry's fields) are still read.
public sealed partial class RedisTemplateStore
{
    /// <summary>Records in one audit stream entry, at most (about 300 KB): a longer append is cut into several entries.</summary>
    public const int AuditRecordsPerEntry = 1000;

    private const string AuditRecordsField = "records";

    // Entries read per XREVRANGE while ReadAuditAsync collects records.
    private const int AuditReadPage = 64;

    // Running mean of records per entry (AuditEntryCap): plain reads and writes of a double, a lost update is harmless.
    private double _auditRecordsPerEntry = 1;

    /// <inheritdoc />
    public Task AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        cancellationToken.ThrowIfCancellationRequested();
        if (records.Count == 0) return Task.CompletedTask;
        // One XADD for the whole append: with appendfsync always Redis syncs its file once per pass of its event loop that
        // wrote, and an append of one command per record spread over several reads (and syncs); each command also cost
        // Redis its parsing and propagation (docs/PERFORMANCE.md, "Verify at peak", seventh round).
        // Not bounded by a timer of its own: nobody waits for the append (AuditTrail only observes its failure), and the
        // command timeout still ends it when Redis does not answer.
        if (records.Count <= AuditRecordsPerEntry) return AddAuditEntry(_db, records, 0, records.Count, CommandFlags.None).WaitAsync(cancellationToken);

        // A long append (a queue that grew while Redis was slow) in entries of AuditRecordsPerEntry, written together; only
        // the last has a reply task: the connection answers in order, and whatever fails the others fails it too (every
        // record of the append is then counted failed).
        var batch = _db.CreateBatch();
        var first = 0;
        for (; records.Count - first > AuditRecordsPerEntry; first += AuditRecordsPerEntry)
        {
            _ = AddAuditEntry(batch, records, first, AuditRecordsPerEntry, CommandFlags.FireAndForget);
        }

        var appended = AddAuditEntry(batch, records, first, records.Count - first, CommandFlags.None);
        batch.Execute();
        return appended.WaitAsync(cancellationToken);
    }

    private Task<RedisValue> AddAuditEntry(IDatabaseAsync db, IReadOnlyList<AuditRecord> records, int first, int count, CommandFlags flags)
    {
        var json = new ArrayBufferWriter<byte>(count * 320);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartArray();
            for (var i = first; i < first + count; i++) WriteAuditRecord(writer, records[i]);
            writer.WriteEndArray();
        }

        _auditRecordsPerEntry = NextAuditRecordsPerEntry(_auditRecordsPerEntry, count);
        var cap = AuditEntryCap(_options.AuditStreamMaxLength, _auditRecordsPerEntry);
        return db.StreamAddAsync(_auditKey, AuditRecordsField, json.WrittenMemory, maxLength: cap, useApproximateMaxLength: true, flags: flags);
    }

    /// <summary>
    /// The running mean of records per audit entry after an entry of <paramref name="count"/> records: each entry moves it
    /// 1/64 of the way, so it follows the rate within a second of appends and one odd append does not swing it.
    /// </summary>
    public static double NextAuditRecordsPerEntry(double mean, int count) => mean + ((count - mean) / 64);

    /// <summary>
    /// <c>MAXLEN ~</c> in entries for a stream of about <paramref name="maxRecords"/> records
    /// (<see cref="TemplateStoreOptions.AuditStreamMaxLength"/>) when an entry holds <paramref name="recordsPerEntry"/> on
    /// average: the cap stays one of records, whatever the rate, so the stream's memory stays what it was sized for.
    /// </summary>
    public static long AuditEntryCap(long maxRecords, double recordsPerEntry) =>
        Math.Max(1, (long)(maxRecords / Math.Max(1, recordsPerEntry)));

    // The record's fields under the names an entry of one record had (docs/REDIS.md), absent ones left out.
    private void WriteAuditRecord(Utf8JsonWriter writer, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Actor);
        ArgumentException.ThrowIfNullOrEmpty(record.Action);
        ArgumentException.ThrowIfNullOrEmpty(record.Decision);
        writer.WriteStartObject();
        writer.WriteString("who", record.Actor);
        writer.WriteString("what", record.Action);
        writer.WriteNumber("when", record.Timestamp.ToUnixTimeMilliseconds());
        writer.WriteString("decision", record.Decision);
        if (record.Score is { } score) writer.WriteNumber("score", score);
        if (record.ModelId is not null) writer.WriteString("model_id", record.ModelId);
        if (record.TransactionId is not null) writer.WriteString("txn", record.TransactionId);
        if (record.SubjectKey is not null) writer.WriteString("sk", record.SubjectKey);
        // The caller's request id only as its pseudonym: Redis never holds a request id in clear.
        if (record.RequestId is not null) writer.WriteString("rid", GetRequestPseudonym(record.RequestId));
        writer.WriteEndObject();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var records = new List<AuditRecord>(Math.Min(count, 4096));
        RedisValue before = "+";
        while (records.Count < count)
        {
            // An entry holds one record at least, so no more entries than records still wanted; "(id" excludes id itself.
            var page = Math.Min(count - records.Count, AuditReadPage);
            var entries = await Bounded(_db.StreamRangeAsync(_auditKey, "-", before, page, Order.Descending), cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                if (entry[AuditRecordsField] is { IsNull: false } json) ReadAuditEntry((byte[])json!, records, count);
                else records.Add(ReadAuditFields(entry));
                if (records.Count == count) break;
            }

            if (entries.Length < page) break;
            before = "(" + (string?)entries[^1].Id;
        }

        return records;
    }

    // Adds an entry's records, newest first (the entry holds them oldest first), until there are count.
    private static void ReadAuditEntry(byte[] json, List<AuditRecord> records, int count)
    {
        var entry = new List<AuditRecord>();
        var reader = new Utf8JsonReader(json);
        reader.Read(); // [
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string who = string.Empty, what = string.Empty, decision = string.Empty;
            string? model = null, txn = null, sk = null, rid = null;
            long when = 0;
            double? score = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "who": who = reader.GetString()!; break;
                    case "what": what = reader.GetString()!; break;
                    case "when": when = reader.GetInt64(); break;
                    case "decision": decision = reader.GetString()!; break;
                    case "score": score = reader.GetDouble(); break;
                    case "model_id": model = reader.GetString(); break;
                    case "txn": txn = reader.GetString(); break;
                    case "sk": sk = reader.GetString(); break;
                    case "rid": rid = reader.GetString(); break;
                    default: reader.Skip(); break;
                }
            }

            entry.Add(new AuditRecord(who, what, DateTimeOffset.FromUnixTimeMilliseconds(when), decision, score, model, txn, sk, rid));
        }

        for (var i = entry.Count - 1; i >= 0 && records.Count < count; i--) records.Add(entry[i]);
    }

    // An entry of one record, its fields as the entry's fields (as written before one entry held a whole append).
    private static AuditRecord ReadAuditFields(StreamEntry e) => new(
        (string?)e["who"] ?? string.Empty,
        (string?)e["what"] ?? string.Empty,
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string?)e["when"] ?? "0", CultureInfo.InvariantCulture)),
        (string?)e["decision"] ?? string.Empty,
        (string?)e["score"] is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : null,
        (string?)e["model_id"],
        (string?)e["txn"],
        (string?)e["sk"],
        (string?)e["rid"]);
}
