using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Biometrics.Grpc;

/// <summary>Builds <see cref="Method{TRequest,TResponse}"/> from generated protobuf descriptors.</summary>
public static class Method
{
    /// <summary>The method kind of a protobuf method descriptor.</summary>
    public static MethodType GetMethodType(MethodDescriptor descriptor) =>
        (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.DuplexStreaming,
        };

    /// <summary>Builds a typed method from its descriptor, checking that the CLR message types match.</summary>
    /// <exception cref="ArgumentException">The descriptor's input or output type is not the given type.</exception>
    public static Method<TRequest, TResponse> FromDescriptor<TRequest, TResponse>(MethodDescriptor descriptor)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.InputType.ClrType != typeof(TRequest))
            throw new ArgumentException($"{descriptor.FullName} takes {descriptor.InputType.ClrType}, not {typeof(TRequest)}.", nameof(descriptor));
        if (descriptor.OutputType.ClrType != typeof(TResponse))
            throw new ArgumentException($"{descriptor.FullName} returns {descriptor.OutputType.ClrType}, not {typeof(TResponse)}.", nameof(descriptor));
        return new Method<TRequest, TResponse>(GetMethodType(descriptor), descriptor.Service.FullName, descriptor.Name,
            Marshallers.Create<TRequest>(), Marshallers.Create<TResponse>());
    }
}
