using Microsoft.AspNetCore.Builder;

namespace Biometrics.Grpc.Server;

/// <summary>Applies conventions to every endpoint of a mapped service.</summary>
internal sealed class CompositeConventionBuilder(List<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
{
    public void Add(Action<EndpointBuilder> convention)
    {
        foreach (var b in builders) b.Add(convention);
    }

    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        foreach (var b in builders) b.Finally(finallyConvention);
    }
}
