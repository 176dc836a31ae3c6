using System.Net;
using System.Net.Http;

namespace Biometrics.Grpc.Client;

/// <summary>A request body holding exactly one framed message (unary and server-streaming calls).</summary>
internal sealed class UnaryFrameContent : HttpContent
{
    private readonly byte[] _frame;

    public UnaryFrameContent(byte[] frame)
    {
        _frame = frame;
        Headers.TryAddWithoutValidation("content-type", "application/grpc");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_frame, 0, _frame.Length);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_frame, cancellationToken).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = _frame.Length;
        return true;
    }
}
