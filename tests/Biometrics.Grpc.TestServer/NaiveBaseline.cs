using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Biometrics.Grpc.TestServer;

/// <summary>A naive hand-framed unary endpoint straight on Kestrel (no gRPC layer), used by scripts/bench-grpc.sh as a
/// same-run baseline: what the layer costs over the bare minimum. Enabled with <c>--with-baseline</c>.</summary>
public static class NaiveBaseline
{
    public const string Path = "/bench.Baseline/EmptyCall";
    private static readonly byte[] EmptyFrame = [0, 0, 0, 0, 0];

    public static void Map(WebApplication app) => app.MapPost(Path, HandleAsync);

    private static async Task HandleAsync(HttpContext http)
    {
        var reader = http.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) break;
        }
        http.Response.ContentType = "application/grpc";
        await http.Response.BodyWriter.WriteAsync(EmptyFrame).ConfigureAwait(false);
        http.Response.AppendTrailer("grpc-status", "0");
    }
}
