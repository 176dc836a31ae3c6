using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Biometrics.Matcher.Store;

/// <summary>
/// Pseudonymisation (HMAC-SHA256) and template encryption (AES-256-GCM). A blob is
/// <c>[format 0x01][key id, 4 bytes][nonce, 12 bytes][ciphertext][tag, 16 bytes]</c>; its associated data binds
/// the model_id, the record version and the subject key, so a blob moved to another subject, relabelled with
/// another model or rolled back to another version fails authentication. Thread-safe.
/// </summary>
internal sealed class TemplateProtector : IDisposable
{
    private const byte Format = 1;
    private const int KeyIdSize = 4, NonceSize = 12, TagSize = 16, HeaderSize = 1 + KeyIdSize + NonceSize;
    private static readonly byte[] s_aadLabel = "biometrics.template.v1"u8.ToArray();

    private readonly byte[] _pseudonymisationKey;

    /// <summary>One keyed HMAC per thread: the key's pads are set once, not on every call (HMACSHA256.HashData makes a
    /// new OpenSSL context per call; docs/PERFORMANCE.md, "Verify at peak").</summary>
    private readonly ThreadLocal<IncrementalHash> _mac;
    private readonly EncryptionKey _current;
    private readonly EncryptionKey[] _all;

    public TemplateProtector(byte[] pseudonymisationKey, byte[] encryptionKey, IEnumerable<byte[]> previousKeys)
    {
        _pseudonymisationKey = pseudonymisationKey;
        _mac = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _pseudonymisationKey), trackAllValues: true);
        _current = new EncryptionKey(encryptionKey);
        _all = [_current, .. previousKeys.Select(k => new EncryptionKey(k))];
    }

    public static TemplateProtector FromOptions(TemplateStoreOptions options)
    {
        options.Validate();
        var previous = options.PreviousEncryptionKeyFiles.Select(f => KeyMaterial.Load(f, null))
            .Concat(options.PreviousEncryptionKeysBase64.Select(b => KeyMaterial.Load(null, b)));
        return new TemplateProtector(
            KeyMaterial.Load(options.PseudonymisationKeyFile, options.PseudonymisationKeyBase64),
            KeyMaterial.Load(options.EncryptionKeyFile, options.EncryptionKeyBase64),
            previous.ToList());
    }

    /// <summary>The subject's pseudonym.</summary>
    public SubjectKey Pseudonymise(string subjectId) => new(Mac("subject", subjectId));

    /// <summary>A keyed hash for other identifiers (nonces, request ids) so Redis never holds them in clear.</summary>
    /// <remarks>HMAC-SHA256 of UTF-8(<paramref name="domain"/> + "\0" + <paramref name="value"/>), written as hex; the
    /// input is encoded on the stack (a pooled buffer beyond 512 bytes) and wiped, only the hex string is allocated.</remarks>
    public string Mac(string domain, string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(domain.Length + 1 + value.Length);
        byte[]? rented = null;
        var input = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        Span<byte> mac = stackalloc byte[32];
        var used = Encoding.UTF8.GetBytes(domain, input);
        input[used++] = 0;
        used += Encoding.UTF8.GetBytes(value, input[used..]);
        var hmac = _mac.Value!;
        hmac.AppendData(input[..used]);
        hmac.GetHashAndReset(mac);
        CryptographicOperations.ZeroMemory(input[..used]);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return Convert.ToHexStringLower(mac);
    }

    public byte[] Protect(SubjectKey subject, string modelId, long version, ReadOnlySpan<byte> plaintext)
    {
        var blob = new byte[HeaderSize + plaintext.Length + TagSize];
        blob[0] = Format;
        _current.Id.CopyTo(blob.AsSpan(1));
        var nonce = blob.AsSpan(1 + KeyIdSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var aad = AssociatedData(subject, modelId, version);
        _current.Cipher.Encrypt(nonce, plaintext, blob.AsSpan(HeaderSize, plaintext.Length), blob.AsSpan(HeaderSize + plaintext.Length), aad);
        return blob;
    }

    /// <summary>Bytes of plaintext in <paramref name="blob"/> (0 when it is too short to be a blob).</summary>
    public static int PlaintextLength(ReadOnlySpan<byte> blob) => Math.Max(0, blob.Length - HeaderSize - TagSize);

    /// <summary>
    /// Authenticates and decrypts <paramref name="blob"/> into <paramref name="plaintext"/>, which must be
    /// <see cref="PlaintextLength"/> bytes (a pooled buffer will do: it is zeroed when authentication fails).
    /// </summary>
    /// <exception cref="TemplateIntegrityException">Malformed, tampered, bound to other data, or under an unknown key.</exception>
    public void Unprotect(SubjectKey subject, string modelId, long version, ReadOnlySpan<byte> blob, Span<byte> plaintext)
        => Unprotect(subject, Encoding.UTF8.GetBytes(modelId), version, blob, plaintext);

    /// <summary>As above, with the model_id as its UTF-8 bytes (the snapshot's bulk path: no string, no array).</summary>
    public void Unprotect(SubjectKey subject, ReadOnlySpan<byte> modelIdUtf8, long version, ReadOnlySpan<byte> blob, Span<byte> plaintext)
    {
        if (blob.Length < HeaderSize + TagSize || blob[0] != Format)
        {
            throw new TemplateIntegrityException($"The stored template of {subject} is malformed.");
        }

        if (plaintext.Length != PlaintextLength(blob))
        {
            throw new ArgumentException($"The plaintext buffer holds {plaintext.Length} bytes; the blob needs {PlaintextLength(blob)}.", nameof(plaintext));
        }

        var aadLength = s_aadLabel.Length + 2 + modelIdUtf8.Length + 8 + 32;
        var aad = aadLength <= 512 ? stackalloc byte[aadLength] : new byte[aadLength];
        var key = Find(blob.Slice(1, KeyIdSize))
            ?? throw new TemplateIntegrityException($"The stored template of {subject} was encrypted under a key this store does not hold.");
        try
        {
            key.Cipher.Decrypt(
                blob.Slice(1 + KeyIdSize, NonceSize),
                blob.Slice(HeaderSize, plaintext.Length),
                blob[^TagSize..],
                plaintext,
                AssociatedData(subject, modelIdUtf8, version, aad));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new TemplateIntegrityException(
                $"The stored template of {subject} failed authentication (tampered ciphertext, or model_id/version/subject altered).", ex);
        }
    }

    private EncryptionKey? Find(ReadOnlySpan<byte> id)
    {
        foreach (var k in _all)
        {
            if (id.SequenceEqual(k.Id)) return k;
        }

        return null;
    }

    private static byte[] AssociatedData(SubjectKey subject, string modelId, long version)
    {
        var model = Encoding.UTF8.GetBytes(modelId);
        var aad = new byte[s_aadLabel.Length + 2 + model.Length + 8 + 32];
        AssociatedData(subject, model, version, aad);
        return aad;
    }

    /// <summary>Writes the associated data into <paramref name="aad"/> (exactly its length) and returns it.</summary>
    private static ReadOnlySpan<byte> AssociatedData(SubjectKey subject, ReadOnlySpan<byte> model, long version, Span<byte> aad)
    {
        var span = aad;
        s_aadLabel.CopyTo(span);
        span = span[s_aadLabel.Length..];
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)model.Length);
        model.CopyTo(span[2..]);
        span = span[(2 + model.Length)..];
        BinaryPrimitives.WriteInt64LittleEndian(span, version);
        Convert.FromHexString(subject.Hex, span[8..], out _, out _);
        return aad;
    }

    public void Dispose()
    {
        foreach (var h in _mac.Values) h.Dispose();
        _mac.Dispose();
        foreach (var k in _all) k.Dispose();
        CryptographicOperations.ZeroMemory(_pseudonymisationKey);
    }

    /// <summary>One AES-256-GCM key with a per-thread cipher instance (AesGcm instances are not shared across threads).</summary>
    private sealed class EncryptionKey : IDisposable
    {
        private readonly byte[] _key;
        private readonly ThreadLocal<AesGcm> _cipher;

        public EncryptionKey(byte[] key)
        {
            _key = key;
            Id = SHA256.HashData([.. "biometrics.keyid"u8, .. key]).AsSpan(0, KeyIdSize).ToArray();
            _cipher = new ThreadLocal<AesGcm>(() => new AesGcm(_key, TagSize), trackAllValues: true);
        }

        public byte[] Id { get; }

        public AesGcm Cipher => _cipher.Value!;

        public void Dispose()
        {
            foreach (var c in _cipher.Values) c.Dispose();
            _cipher.Dispose();
            CryptographicOperations.ZeroMemory(_key);
        }
    }
}
