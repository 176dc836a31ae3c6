using System.Reflection;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Tests;

/// <summary>Each structured log event of the matcher has an event id of its own, so a log query by id finds one event.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void LoggerMessages_EventIdsUniqueAcrossTheMatchersAssemblies()
    {
        var events = new[] { typeof(MatcherHost), typeof(GalleryRegistry), typeof(RedisTemplateStore) }
            .Select(t => t.Assembly)
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m.DeclaringType!.Name + "." + m.Name, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();

        Assert.NotEmpty(events);
        var repeated = events.GroupBy(e => e.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}").ToList();
        Assert.True(repeated.Count == 0, "event ids used twice: " + string.Join("; ", repeated));
    }
}
