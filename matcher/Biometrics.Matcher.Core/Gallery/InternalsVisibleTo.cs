using System.Runtime.CompilerServices;

// The kernels and heaps are internal; the unit tests check them against scalar references and the benchmarks time them.
[assembly: InternalsVisibleTo("Biometrics.Matcher.Core.Tests")]
[assembly: InternalsVisibleTo("Biometrics.Benchmarks")]
