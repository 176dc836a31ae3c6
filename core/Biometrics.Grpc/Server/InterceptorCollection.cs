using Microsoft.Extensions.DependencyInjection;

namespace Biometrics.Grpc;

/// <summary>The server interceptors, outermost first. Types are created from dependency injection once at start-up.</summary>
public sealed class InterceptorCollection
{
    private readonly List<Func<IServiceProvider, Interceptor>> _factories = [];

    /// <summary>The number of registered interceptors.</summary>
    public int Count => _factories.Count;

    /// <summary>Adds an interceptor type (constructed with services from DI, once).</summary>
    public void Add<TInterceptor>() where TInterceptor : Interceptor =>
        _factories.Add(static sp => ActivatorUtilities.GetServiceOrCreateInstance<TInterceptor>(sp));

    /// <summary>Adds an interceptor instance.</summary>
    public void Add(Interceptor interceptor)
    {
        ArgumentNullException.ThrowIfNull(interceptor);
        _factories.Add(_ => interceptor);
    }

    internal List<Interceptor> Create(IServiceProvider services)
    {
        var list = new List<Interceptor>(_factories.Count);
        foreach (var f in _factories) list.Add(f(services));
        return list;
    }
}
