using Biometrics.Matcher.Services;
using Biometrics.Protos.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Biometrics.Matcher.Grpc;

/// <summary><c>biometrics.v1.MatcherPeer</c>: the search of this matcher's part of a split gallery, asked by the matcher
/// that answers an Identify (docs/SCALING.md, "Split galleries"). Over TLS (<paramref name="peers"/> set) only a matcher
/// may ask: the connection must carry a client certificate from the matchers' CA, besides the operator token
/// (docs/SECURITY.md, "Between split matchers"). Singleton, thread-safe.</summary>
public sealed class PeerGrpcService(IdentificationService identification, PeerTls? peers = null) : MatcherPeer.MatcherPeerBase
{
    /// <summary>The top-K of this matcher's part.</summary>
    [Authorize(Policy = MatcherPolicies.Search)]
    public override async Task<SearchPartResponse> SearchPart(SearchPartRequest request, ServerCallContext context)
    {
        if (peers is not null && !peers.IsPeer(context.GetHttpContext().Connection.ClientCertificate))
        {
            throw new MatcherException(MatcherErrorKind.Unauthenticated, "peer_certificate", context.GetHttpContext().Connection.ClientCertificate is null
                ? "MatcherPeer.SearchPart is for split matchers only: the connection presented no client certificate (mutual TLS between matchers, Matcher:Split:PeerCertificateFile)."
                : "MatcherPeer.SearchPart is for split matchers only: the client certificate presented is not from the matchers' CA (Matcher:Split:PeerCaFile).");
        }

        var probe = request.Probe is null ? FaceInput.FromImage(ReadOnlyMemory<byte>.Empty) : ProtoMapping.ToFace(request.Probe);
        var result = await identification.SearchPartAsync(probe, request.Gallery, request.TopK, request.Parts, request.Part, context.CancellationToken).ConfigureAwait(false);
        var response = new SearchPartResponse
        {
            Status = result.Status switch
            {
                GallerySearchStatus.Searched => SearchPartResponse.Types.Status.Searched,
                GallerySearchStatus.ModelMismatch => SearchPartResponse.Types.Status.ModelMismatch,
                _ => SearchPartResponse.Types.Status.UnknownGallery,
            },
            PartSize = result.Size,
            ModelId = result.ModelId,
        };
        for (var i = 0; i < result.Matches.Length; i++)
        {
            response.Candidates.Add(new Candidate { SubjectKey = result.Matches[i].SubjectId, Score = result.Matches[i].Score, Rank = i + 1 });
        }

        return response;
    }
}
