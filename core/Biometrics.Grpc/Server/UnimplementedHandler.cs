using Biometrics.Grpc.Internal;
using Microsoft.AspNetCore.Http;

namespace Biometrics.Grpc.Server;

/// <summary>Answers calls to unknown services and methods (and RPCs a service class does not implement) with a
/// trailers-only UNIMPLEMENTED response.</summary>
internal static class UnimplementedHandler
{
    public static Task RespondAsync(HttpContext http, GrpcServiceRegistry registry)
    {
        var path = http.Request.Path.Value ?? "";
        var slash = path.IndexOf('/', 1);
        var service = slash > 1 ? path[1..slash] : path.TrimStart('/');
        var detail = registry.IsKnownService(service) ? "Method is unimplemented." : "Service is unimplemented.";
        return Respond(http, StatusCode.Unimplemented, detail);
    }

    public static Task Respond(HttpContext http, StatusCode code, string detail)
    {
        var response = http.Response;
        if (!GrpcProtocol.IsGrpcContentType(http.Request.Headers.ContentType))
        {
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            code = StatusCode.Internal;
            detail = $"Content-Type '{http.Request.Headers.ContentType}' is not supported.";
        }
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers.GrpcStatus = GrpcProtocol.StatusString(code);
        response.Headers.GrpcMessage = PercentEncoding.Encode(detail);
        return Task.CompletedTask;
    }
}
