namespace Biometrics.LoadTest.Engine;

public sealed partial class ScenarioRunner
{
    /// <summary>Up to <see cref="BatchSize"/> due steps, started one after the other by one thread-pool thread.</summary>
    private sealed class Batch(ScenarioRunner owner) : IThreadPoolWorkItem
    {
        private readonly long[] _sequences = new long[BatchSize];
        private readonly long[] _due = new long[BatchSize];

        public int Count { get; private set; }

        public void Add(long sequence, long due)
        {
            _sequences[Count] = sequence;
            _due[Count] = due;
            Count++;
        }

        public void Execute()
        {
            for (var i = 0; i < Count; i++)
            {
                owner.Start(_sequences[i], _due[i]);
            }
        }
    }
}
