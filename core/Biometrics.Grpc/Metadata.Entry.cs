using System.Text;

namespace Biometrics.Grpc;

public sealed partial class Metadata
{
    /// <summary>One metadata entry: a lower-case key and either an ASCII or (for <c>-bin</c> keys) a binary value.
    /// Immutable.</summary>
    public sealed class Entry
    {
        private readonly string? _value;
        private readonly byte[]? _bytes;

        /// <summary>Creates an ASCII entry (printable ASCII only; the key must not end in <c>-bin</c>).</summary>
        public Entry(string key, string value)
        {
            Key = NormalizeKey(key);
            ArgumentNullException.ThrowIfNull(value);
            if (IsBinaryKey(Key)) throw new ArgumentException($"Key '{key}' ends in -bin: use the byte[] constructor.", nameof(key));
            foreach (var c in value)
            {
                if (c < 0x20 || c > 0x7E) throw new ArgumentException("ASCII metadata values must be printable ASCII.", nameof(value));
            }
            _value = value;
        }

        /// <summary>Creates a binary entry (the key must end in <c>-bin</c>).</summary>
        public Entry(string key, byte[] valueBytes)
        {
            Key = NormalizeKey(key);
            ArgumentNullException.ThrowIfNull(valueBytes);
            if (!IsBinaryKey(Key)) throw new ArgumentException($"Key '{key}' must end in -bin for a binary value.", nameof(key));
            _bytes = valueBytes;
        }

        /// <summary>The key, lower-case.</summary>
        public string Key { get; }

        /// <summary>True for a <c>-bin</c> entry.</summary>
        public bool IsBinary => _bytes is not null;

        /// <summary>The ASCII value; for a binary entry, throws.</summary>
        public string Value => _value ?? throw new InvalidOperationException("A binary entry has no string value; use ValueBytes.");

        /// <summary>The binary value; for an ASCII entry, its ASCII bytes.</summary>
        public byte[] ValueBytes => _bytes ?? Encoding.ASCII.GetBytes(_value!);

        /// <inheritdoc />
        public override string ToString() => IsBinary ? $"[Entry: key={Key}, valueBytes={_bytes!.Length} bytes]" : $"[Entry: key={Key}, value={_value}]";

        private static string NormalizeKey(string key)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            var lower = key.ToLowerInvariant();
            foreach (var c in lower)
            {
                if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.'))
                    throw new ArgumentException($"Metadata key '{key}' has a character outside [0-9a-z-_.].", nameof(key));
            }
            if (lower.StartsWith("grpc-", StringComparison.Ordinal) && lower != "grpc-previous-rpc-attempts")
            {
                // Reserved for the protocol; applications may not set them (they would be overwritten or confuse peers).
                throw new ArgumentException($"Metadata key '{key}' is reserved by gRPC.", nameof(key));
            }
            return lower;
        }
    }
}
