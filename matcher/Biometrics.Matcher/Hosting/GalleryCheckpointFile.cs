using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;

namespace Biometrics.Matcher.Hosting;

/// <summary>
/// The file format of the local gallery checkpoint (docs/SECURITY.md, "Gallery checkpoint"):
/// <c>"BIOGCKPT" | u32 format | salt (32) | key id (8) | u32 n | binding (n bytes, UTF-8)</c>, then chunks
/// <c>u32 length | AES-256-GCM ciphertext (length) | tag (16)</c>. The file key is HKDF-SHA256 of the template-encryption
/// key with the file's random salt and a purpose label; chunk i has nonce <c>0^4 | u64 i</c> and associated data
/// <c>SHA-256(header) | u64 i | final flag</c>, so the header is authenticated by every chunk, chunks cannot be reordered,
/// and a file that ends before its final chunk (or goes on after it) is refused. Plaintext records: <c>M</c> (position,
/// galleries), per gallery <c>G</c> (name, model, dimension, rows) and <c>R</c> (rows as the gallery holds them, then their
/// 32-byte subject keys), and the final <c>E</c> (row count).
/// </summary>
public static class GalleryCheckpointFile
{
    /// <summary>The file name inside the checkpoint folder.</summary>
    public const string FileName = "galleries.checkpoint";

    /// <summary>Format version: part of the header (and so of every chunk's associated data).</summary>
    public const uint Format = 1;

    /// <summary>Rows per chunk: one read-lock hold of the gallery per chunk when writing (about 5 MB copied).</summary>
    public const int RowsPerChunk = 2048;

    private const int SaltSize = 32, KeyIdSize = 8, TagSize = 16, NonceSize = 12, KeySize = 32;
    private static readonly byte[] s_magic = "BIOGCKPT"u8.ToArray();
    private static readonly byte[] s_fileKeyLabel = "biometrics.gallery-checkpoint.v1.file-key"u8.ToArray();
    private static readonly byte[] s_keyIdLabel = "biometrics.gallery-checkpoint.v1.key-id"u8.ToArray();

    /// <summary>Writes the galleries of <paramref name="source"/> to <paramref name="path"/>: a temporary file (mode 0600),
    /// fsync, then an atomic rename over the old one.</summary>
    public static WriteStats Write(string path, byte[] keyMaterial, string binding, GalleryRegistry.CheckpointSource source, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var temp = path + ".tmp";
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var header = Header(salt, KeyId(keyMaterial), binding);
        var fileKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, keyMaterial, KeySize, salt, s_fileKeyLabel);
        var dimension = source.Galleries.Count == 0 ? 1 : source.Galleries.Max(g => g.Dimension);
        var rowBytes = (dimension * (sizeof(float) + 1)) + 16;
        var plain = new byte[Math.Max(64 * 1024, 1 + 4 + (RowsPerChunk * (rowBytes + 32)))];
        long rows = 0;
        double longestHoldMs = 0;
        try
        {
            File.Delete(temp);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var aes = new AesGcm(fileKey, TagSize))
            using (var file = new FileStream(temp, options))
            {
                file.Write(header);
                var chunks = new ChunkWriter(file, aes, SHA256.HashData(header), plain.Length);
                var w = new Writer(plain);
                w.Byte((byte)'M');
                w.Text(source.Position.Id);
                w.U32((uint)source.Galleries.Count);
                chunks.Write(plain.AsSpan(0, w.Length), final: false);
                var found = new bool[RowsPerChunk];
                foreach (var gallery in source.Galleries)
                {
                    w = new Writer(plain);
                    w.Byte((byte)'G');
                    w.Text(gallery.Name);
                    w.Text(gallery.ModelId);
                    w.U32((uint)gallery.Dimension);
                    var ids = gallery.SnapshotIds();
                    w.U32((uint)ids.Length); // a capacity hint for the reader (rows removed meanwhile are not written)
                    chunks.Write(plain.AsSpan(0, w.Length), final: false);
                    var galleryRowBytes = gallery.ExportRowBytes;
                    for (var start = 0; start < ids.Length; start += RowsPerChunk)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var slice = ids.AsSpan(start, Math.Min(RowsPerChunk, ids.Length - start));
                        var held = Stopwatch.GetTimestamp();
                        var n = gallery.ExportRows(slice, plain.AsSpan(5), found);
                        longestHoldMs = Math.Max(longestHoldMs, Stopwatch.GetElapsedTime(held).TotalMilliseconds);
                        if (n == 0) continue;
                        plain[0] = (byte)'R';
                        BinaryPrimitives.WriteUInt32LittleEndian(plain.AsSpan(1), (uint)n);
                        var keys = plain.AsSpan(5 + (n * galleryRowBytes), n * 32);
                        for (int i = 0, k = 0; i < slice.Length; i++)
                        {
                            if (!found[i]) continue;
                            if (Convert.FromHexString(slice[i], keys.Slice(k * 32, 32), out _, out var written) != OperationStatus.Done || written != 32)
                            {
                                throw new InvalidDataException($"gallery {gallery.Name} holds a key that is not a 64-hex subject key");
                            }

                            k++;
                        }

                        chunks.Write(plain.AsSpan(0, 5 + (n * (galleryRowBytes + 32))), final: false);
                        rows += n;
                    }
                }

                w = new Writer(plain);
                w.Byte((byte)'E');
                w.U64((ulong)rows);
                chunks.Write(plain.AsSpan(0, w.Length), final: true);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            return new WriteStats(rows, new FileInfo(path).Length, clock.Elapsed, longestHoldMs);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    /// <summary>What <see cref="Write"/> did: rows, file bytes, time, and the longest hold of a gallery's read lock.</summary>
    public sealed record WriteStats(long Rows, long Bytes, TimeSpan Elapsed, double LongestLockHoldMs);

    /// <summary>Deletes a file if it is there (no error when it is not).</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // nothing more to do; the caller logs what it was doing
        }
    }

    /// <summary>The 8-byte id of the key material a file was written under (HKDF with its own label: says "another key"
    /// before any decryption, and reveals nothing of the key).</summary>
    public static byte[] KeyId(byte[] keyMaterial) => HKDF.DeriveKey(HashAlgorithmName.SHA256, keyMaterial, KeyIdSize, [], s_keyIdLabel);

    private static byte[] Header(byte[] salt, byte[] keyId, string binding)
    {
        var text = Encoding.UTF8.GetBytes(binding);
        var header = new byte[s_magic.Length + 4 + SaltSize + KeyIdSize + 4 + text.Length];
        var span = header.AsSpan();
        s_magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Format);
        salt.CopyTo(span[12..]);
        keyId.CopyTo(span[(12 + SaltSize)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(12 + SaltSize + KeyIdSize)..], (uint)text.Length);
        text.CopyTo(span[(16 + SaltSize + KeyIdSize)..]);
        return header;
    }

    private static void Nonce(Span<byte> nonce, ulong index)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], index);
    }

    private static void Aad(Span<byte> aad, byte[] headerHash, ulong index, bool final)
    {
        headerHash.CopyTo(aad);
        BinaryPrimitives.WriteUInt64LittleEndian(aad[32..], index);
        aad[40] = final ? (byte)1 : (byte)0;
    }

    private sealed class ChunkWriter(Stream file, AesGcm aes, byte[] headerHash, int capacity)
    {
        private readonly byte[] _frame = new byte[4 + capacity + TagSize];
        private ulong _index;

        public void Write(ReadOnlySpan<byte> plaintext, bool final)
        {
            Span<byte> nonce = stackalloc byte[NonceSize];
            Span<byte> aad = stackalloc byte[41];
            Nonce(nonce, _index);
            Aad(aad, headerHash, _index, final);
            BinaryPrimitives.WriteUInt32LittleEndian(_frame, (uint)plaintext.Length);
            aes.Encrypt(nonce, plaintext, _frame.AsSpan(4, plaintext.Length), _frame.AsSpan(4 + plaintext.Length, TagSize), aad);
            file.Write(_frame, 0, 4 + plaintext.Length + TagSize);
            _index++;
        }
    }

    private ref struct Writer(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Length { get; private set; }

        public void Byte(byte b) => _buffer[Length++] = b;

        public void U32(uint v)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer[Length..], v);
            Length += 4;
        }

        public void U64(ulong v)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer[Length..], v);
            Length += 8;
        }

        public void Text(string s)
        {
            var n = Encoding.UTF8.GetBytes(s, _buffer[(Length + 4)..]);
            U32((uint)n);
            Length += n;
        }
    }

    /// <summary>
    /// Reads a checkpoint: <see cref="Open"/> checks the header (format, key, binding) and reads the position, so the
    /// caller can ask the store whether following from it misses nothing before the rows are read by
    /// <see cref="ReadGalleries"/>. Every refusal is a <see cref="GalleryCheckpointException"/> with the reason.
    /// </summary>
    public sealed class Reader : IDisposable
    {
        private readonly FileStream _file;
        private readonly AesGcm _aes;
        private readonly byte[] _headerHash;
        private byte[] _frame = new byte[64 * 1024];
        private byte[] _plain = new byte[64 * 1024];
        private ulong _index;
        private bool _ended;

        private Reader(FileStream file, AesGcm aes, byte[] headerHash)
        {
            _file = file;
            _aes = aes;
            _headerHash = headerHash;
        }

        /// <summary>The change-stream position the checkpoint is consistent with.</summary>
        public ChangeStreamPosition Position { get; private set; }

        /// <summary>Galleries in the file.</summary>
        public int Galleries { get; private set; }

        /// <summary>Opens <paramref name="path"/> and checks its header against this matcher's key and binding.</summary>
        /// <exception cref="GalleryCheckpointException">Not a checkpoint of this format, key or binding; tampered or cut short.</exception>
        /// <exception cref="IOException">The file could not be read.</exception>
        public static Reader Open(string path, byte[] keyMaterial, string expectedBinding)
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
            AesGcm? aes = null;
            try
            {
                var fixedPart = new byte[s_magic.Length + 4 + SaltSize + KeyIdSize + 4];
                ReadAll(file, fixedPart, "the header");
                if (!fixedPart.AsSpan(0, s_magic.Length).SequenceEqual(s_magic)) throw new GalleryCheckpointException("not a gallery checkpoint (bad magic)");
                var format = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.AsSpan(8));
                if (format != Format) throw new GalleryCheckpointException($"format {format}, this matcher reads format {Format}");
                var salt = fixedPart.AsSpan(12, SaltSize).ToArray();
                if (!CryptographicOperations.FixedTimeEquals(fixedPart.AsSpan(12 + SaltSize, KeyIdSize), KeyId(keyMaterial)))
                {
                    throw new GalleryCheckpointException("written under another template-encryption key");
                }

                var bindingLength = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.AsSpan(12 + SaltSize + KeyIdSize));
                if (bindingLength > 64 * 1024) throw new GalleryCheckpointException("malformed header (binding too long)");
                var binding = new byte[bindingLength];
                ReadAll(file, binding, "the header");
                var written = Encoding.UTF8.GetString(binding);
                if (written != expectedBinding) throw new GalleryCheckpointException(DescribeMismatch(written, expectedBinding));

                var fileKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, keyMaterial, KeySize, salt, s_fileKeyLabel);
                aes = new AesGcm(fileKey, TagSize);
                CryptographicOperations.ZeroMemory(fileKey);
                var reader = new Reader(file, aes, SHA256.HashData([.. fixedPart, .. binding]));
                var meta = reader.Next();
                if (meta.Length < 1 || meta[0] != 'M') throw new GalleryCheckpointException("malformed: no position record first");
                var r = new SpanReader(meta[1..]);
                reader.Position = new ChangeStreamPosition(r.Text());
                reader.Galleries = (int)r.U32();
                return reader;
            }
            catch
            {
                aes?.Dispose();
                file.Dispose();
                throw;
            }
        }

        /// <summary>Reads every gallery and row into <paramref name="sink"/>; the file must end with its final chunk.
        /// Chunks are read and decrypted on another thread while the previous one is imported (the import itself runs on
        /// every core), so the start pays for the slower of the two, not their sum.</summary>
        public void ReadGalleries(GalleryRegistry.CheckpointSink sink, CancellationToken cancellationToken)
        {
            const int Slots = 3;
            var buffers = new List<byte[]>();
            using var ready = new BlockingCollection<(byte[] Buffer, int Length, bool Final)>(boundedCapacity: Slots - 1);
            using var free = new BlockingCollection<byte[]>();
            for (var i = 0; i < Slots; i++) free.Add(new byte[64 * 1024]);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            ExceptionDispatchInfo? failure = null;
            var producer = Task.Run(() =>
            {
                try
                {
                    while (!_ended)
                    {
                        var buffer = free.Take(stop.Token);
                        var length = NextInto(ref buffer);
                        lock (buffers) buffers.Add(buffer);
                        ready.Add((buffer, length, _ended), stop.Token);
                    }
                }
                catch (Exception ex)
                {
                    failure = ExceptionDispatchInfo.Capture(ex);
                }
                finally
                {
                    ready.CompleteAdding();
                }
            }, CancellationToken.None);

            try
            {
                var state = new ReadState(sink);
                foreach (var (buffer, length, final) in ready.GetConsumingEnumerable(stop.Token))
                {
                    var done = state.Record(buffer.AsSpan(0, length), final, Galleries);
                    free.Add(buffer, CancellationToken.None);
                    if (done) return;
                }

                failure?.Throw();
                throw new GalleryCheckpointException("truncated: no end record");
            }
            catch (OperationCanceledException) when (failure is not null && !cancellationToken.IsCancellationRequested)
            {
                failure.Throw();
                throw;
            }
            finally
            {
                stop.Cancel();
                try
                {
                    producer.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                    // its failure was captured above
                }

                lock (buffers)
                {
                    foreach (var b in buffers) CryptographicOperations.ZeroMemory(b);
                }
            }
        }

        /// <summary>The records of a file after its position record, in order.</summary>
        private sealed class ReadState(GalleryRegistry.CheckpointSink sink)
        {
            private readonly string[] _ids = new string[RowsPerChunk];
            private string? _gallery, _model;
            private int _rowBytes;
            private long _rows;
            private int _galleries;

            /// <summary>Handles one record; true after the end record.</summary>
            public bool Record(ReadOnlySpan<byte> record, bool final, int galleries)
            {
                if (record.Length == 0) throw new GalleryCheckpointException("malformed: empty record");
                var r = new SpanReader(record[1..]);
                var kind = (char)record[0];
                if (final != (kind == 'E')) throw new GalleryCheckpointException("malformed: the end record is not the final chunk");
                switch (kind)
                {
                    case 'G':
                        _gallery = r.Text();
                        _model = r.Text();
                        var dimension = (int)r.U32();
                        var count = (int)r.U32();
                        _rowBytes = (dimension * (sizeof(float) + 1)) + 16;
                        if (_rowBytes != sink.RowBytes) throw new GalleryCheckpointException($"gallery {_gallery} has dimension {dimension}, this matcher's galleries another");
                        sink.Reserve(_gallery, _model, count);
                        _galleries++;
                        return false;
                    case 'R':
                        if (_gallery is null) throw new GalleryCheckpointException("malformed: rows before a gallery");
                        var n = (int)r.U32();
                        if (n < 1 || n > RowsPerChunk || record.Length != 5 + ((long)n * (_rowBytes + 32))) throw new GalleryCheckpointException("malformed rows");
                        var keys = record.Slice(5 + (n * _rowBytes), n * 32);
                        for (var i = 0; i < n; i++) _ids[i] = Convert.ToHexStringLower(keys.Slice(i * 32, 32));
                        sink.AddRows(_gallery, _model!, _ids.AsSpan(0, n), record.Slice(5, n * _rowBytes));
                        _rows += n;
                        return false;
                    case 'E':
                        if (r.U64() != (ulong)_rows || _galleries != galleries) throw new GalleryCheckpointException("malformed: row or gallery count differs from the end record");
                        return true;
                    default:
                        throw new GalleryCheckpointException("malformed: unknown record");
                }
            }
        }

        /// <summary>The next chunk, authenticated and decrypted (a view of a buffer reused by the next call).</summary>
        private ReadOnlySpan<byte> Next() => _plain.AsSpan(0, NextInto(ref _plain));

        /// <summary>Reads, authenticates and decrypts the next chunk into <paramref name="plain"/> (replaced by a larger
        /// one if needed, the old one wiped); returns its length.</summary>
        private int NextInto(ref byte[] plain)
        {
            if (_ended) throw new GalleryCheckpointException("malformed: chunk after the final one");
            Span<byte> length = stackalloc byte[4];
            if (_file.ReadAtLeast(length, 4, throwOnEndOfStream: false) < 4) throw new GalleryCheckpointException($"truncated: ends before chunk {_index}");
            var n = BinaryPrimitives.ReadUInt32LittleEndian(length);
            if (n > 64 * 1024 * 1024) throw new GalleryCheckpointException($"malformed: chunk {_index} of {n} bytes");
            var size = (int)n;
            if (_frame.Length < size + TagSize) _frame = new byte[size + TagSize];
            if (plain.Length < size)
            {
                CryptographicOperations.ZeroMemory(plain);
                plain = new byte[size];
            }

            if (_file.ReadAtLeast(_frame.AsSpan(0, size + TagSize), size + TagSize, throwOnEndOfStream: false) < size + TagSize)
            {
                throw new GalleryCheckpointException($"truncated: chunk {_index} is cut short");
            }

            Span<byte> nonce = stackalloc byte[NonceSize];
            Span<byte> aad = stackalloc byte[41];
            Nonce(nonce, _index);
            // The chunk that ends the file must authenticate as the final one: a file cut at a chunk boundary, or one with
            // bytes after its final chunk, does not.
            var final = _file.Position == _file.Length;
            Aad(aad, _headerHash, _index, final);
            try
            {
                _aes.Decrypt(nonce, _frame.AsSpan(0, size), _frame.AsSpan(size, TagSize), plain.AsSpan(0, size), aad);
            }
            catch (AuthenticationTagMismatchException)
            {
                CryptographicOperations.ZeroMemory(plain);
                throw new GalleryCheckpointException(final
                    ? $"truncated or tampered: the last chunk ({_index}) does not authenticate as the final one"
                    : $"tampered or corrupt: chunk {_index} does not authenticate");
            }

            _index++;
            _ended = final;
            return size;
        }

        private static void ReadAll(Stream file, Span<byte> buffer, string what)
        {
            if (file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length) throw new GalleryCheckpointException($"truncated: ends inside {what}");
        }

        private static string DescribeMismatch(string written, string expected)
        {
            var a = written.Split('\n');
            var b = expected.Split('\n');
            for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
            {
                var x = i < a.Length ? a[i] : "";
                var y = i < b.Length ? b[i] : "";
                if (x != y) return $"written for {x}, this matcher has {y}";
            }

            return "written for another matcher";
        }

        /// <summary>Wipes the decrypted buffer and closes the file.</summary>
        public void Dispose()
        {
            CryptographicOperations.ZeroMemory(_plain);
            _aes.Dispose();
            _file.Dispose();
        }
    }

    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public uint U32()
        {
            if (_data.Length < 4) throw new GalleryCheckpointException("malformed record");
            var v = BinaryPrimitives.ReadUInt32LittleEndian(_data);
            _data = _data[4..];
            return v;
        }

        public ulong U64()
        {
            if (_data.Length < 8) throw new GalleryCheckpointException("malformed record");
            var v = BinaryPrimitives.ReadUInt64LittleEndian(_data);
            _data = _data[8..];
            return v;
        }

        public string Text()
        {
            var n = (int)U32();
            if (n < 0 || n > _data.Length) throw new GalleryCheckpointException("malformed record");
            var s = Encoding.UTF8.GetString(_data[..n]);
            _data = _data[n..];
            return s;
        }
    }
}
