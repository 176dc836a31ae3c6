using Google.Protobuf;

namespace Biometrics.Grpc;

/// <summary>Factory helpers for <see cref="Marshaller{T}"/>.</summary>
public static class Marshallers
{
    /// <summary>A marshaller for a generated protobuf message type.</summary>
    public static Marshaller<T> Create<T>(MessageParser<T> parser) where T : class, IMessage<T> => new(parser);

    /// <summary>A marshaller for a generated protobuf message type with a parameterless constructor.</summary>
    public static Marshaller<T> Create<T>() where T : class, IMessage<T>, new() => MarshallerCache<T>.Instance;

    private static class MarshallerCache<T> where T : class, IMessage<T>, new()
    {
        public static readonly Marshaller<T> Instance = new(new MessageParser<T>(static () => new T()));
    }
}
