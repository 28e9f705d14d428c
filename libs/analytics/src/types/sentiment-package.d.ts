// The `sentiment` package ships no types; this covers the part touchline uses. It is a global
// declaration file, picked up by the tsconfigs' default include of every .ts file.
declare module 'sentiment' {
  namespace Sentiment {
    interface AnalysisResult {
      score: number;
      comparative: number;
      tokens: string[];
      words: string[];
      positive: string[];
      negative: string[];
      calculation: Array<Record<string, number>>;
    }
    interface AnalysisOptions {
      language?: string;
      extras?: Record<string, number>;
    }
  }
  class Sentiment {
    analyze(phrase: string, options?: Sentiment.AnalysisOptions): Sentiment.AnalysisResult;
  }
  export = Sentiment;
}
