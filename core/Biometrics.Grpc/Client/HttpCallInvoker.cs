using Google.Protobuf;

namespace Biometrics.Grpc.Client;

/// <summary>The <see cref="CallInvoker"/> of a <see cref="GrpcChannel"/>: each call is one HTTP/2 request.</summary>
internal sealed class HttpCallInvoker(GrpcChannel channel) : CallInvoker
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = new GrpcCall<TRequest, TResponse>(channel, method, options);
        call.StartUnary(request);
        return new AsyncUnaryCall<TResponse>(call, call.ReadUnaryResponseAsync());
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        var call = new GrpcCall<TRequest, TResponse>(channel, method, options);
        call.StartStreamingRequest();
        return new AsyncClientStreamingCall<TRequest, TResponse>(call, call.RequestStream!, call.ReadUnaryResponseAsync());
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = new GrpcCall<TRequest, TResponse>(channel, method, options);
        call.StartUnary(request);
        return new AsyncServerStreamingCall<TResponse>(call, call.ResponseStream);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        var call = new GrpcCall<TRequest, TResponse>(channel, method, options);
        call.StartStreamingRequest();
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(call, call.RequestStream!, call.ResponseStream);
    }
}
