using Grpc.Core;

namespace Biometrics.LoadTest.Targets;

/// <summary>
/// The <see cref="Method{TRequest, TResponse}"/> descriptors of generated service code (path, type, marshallers), taken
/// from what a generated <c>BindService(ServiceBinderBase, XBase)</c> hands to its binder, so no method is named by a
/// string here: a method is picked by its request and response types and its kind. The generated classes keep their
/// <c>Method</c> fields private; binding with a null implementation only reports them. Stateless; thread-safe.
/// </summary>
public static class GeneratedMethods
{
    /// <summary>
    /// The one method of kind <paramref name="type"/> from <typeparamref name="TRequest"/> to <typeparamref name="TResponse"/>
    /// that <paramref name="bindService"/> binds (e.g. <c>b => Matcher.BindService(b, null)</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">No such method, or more than one.</exception>
    public static Method<TRequest, TResponse> Find<TRequest, TResponse>(Action<ServiceBinderBase> bindService, MethodType type)
        where TRequest : class
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(bindService);
        var binder = new Collector();
        bindService(binder);
        var found = binder.Methods.OfType<Method<TRequest, TResponse>>().Where(m => m.Type == type).ToList();
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException(
                $"the service binds {found.Count} {type} methods from {typeof(TRequest).Name} to {typeof(TResponse).Name} (expected exactly one): {string.Join(", ", binder.Methods.Select(m => m.FullName))}");
    }

    /// <summary>Records every method a generated <c>BindService</c> adds; the handlers (null here) are ignored.</summary>
    private sealed class Collector : ServiceBinderBase
    {
        public List<IMethod> Methods { get; } = [];

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
            => Methods.Add(method);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
            => Methods.Add(method);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
            => Methods.Add(method);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
            => Methods.Add(method);
    }
}
