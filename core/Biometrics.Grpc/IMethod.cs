namespace Biometrics.Grpc;

/// <summary>A gRPC method independent of its message types.</summary>
public interface IMethod
{
    /// <summary>The kind of method.</summary>
    MethodType Type { get; }

    /// <summary>The fully qualified service name, e.g. <c>biometrics.v1.Matcher</c>.</summary>
    string ServiceName { get; }

    /// <summary>The method name, e.g. <c>Verify</c>.</summary>
    string Name { get; }

    /// <summary>The HTTP/2 path, <c>/{ServiceName}/{Name}</c>.</summary>
    string FullName { get; }
}
