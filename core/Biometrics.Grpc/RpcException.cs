namespace Biometrics.Grpc;

/// <summary>Thrown by a client call that ended with a non-OK status, and thrown by server handlers to end a call
/// with a chosen status (its <see cref="Trailers"/> are sent as response trailers).</summary>
public class RpcException : Exception
{
    /// <summary>Creates an exception for a status with no trailers.</summary>
    public RpcException(Status status) : this(status, Metadata.Empty, null) { }

    /// <summary>Creates an exception for a status and trailers.</summary>
    public RpcException(Status status, Metadata trailers) : this(status, trailers, null) { }

    /// <summary>Creates an exception for a status, trailers and a custom message.</summary>
    public RpcException(Status status, Metadata trailers, string? message)
        : base(message ?? status.ToString(), status.DebugException)
    {
        Status = status;
        Trailers = trailers ?? Metadata.Empty;
    }

    /// <summary>The status of the call.</summary>
    public Status Status { get; }

    /// <summary>The status code of the call.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>The trailers the call ended with (client side) or should end with (server side).</summary>
    public Metadata Trailers { get; }
}
