package cis.testbed;

import java.io.Reader;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.ja.JapaneseAnalyzer;
import org.apache.lucene.analysis.ja.JapaneseBaseFormFilter;
import org.apache.lucene.analysis.ja.JapaneseIterationMarkCharFilter;
import org.apache.lucene.analysis.ja.JapaneseKatakanaStemFilter;
import org.apache.lucene.analysis.ja.JapaneseNumberFilter;
import org.apache.lucene.analysis.ja.JapanesePartOfSpeechStopFilter;
import org.apache.lucene.analysis.ja.JapaneseReadingFormFilter;
import org.apache.lucene.analysis.ja.JapaneseTokenizer;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractCharFilterFactory;
import org.opensearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;
import org.opensearch.index.analysis.AbstractTokenizerFactory;
import org.opensearch.index.analysis.AnalyzerProvider;
import org.opensearch.index.analysis.CharFilterFactory;
import org.opensearch.index.analysis.TokenFilterFactory;
import org.opensearch.index.analysis.TokenizerFactory;
import org.opensearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.opensearch.plugins.AnalysisPlugin;
import org.opensearch.plugins.Plugin;

/**
 * Stand-in for OpenSearch's analysis-kuromoji plugin, which Maven Central does not carry.
 *
 * <p>It registers Lucene's Japanese analysis (lucene-analysis-kuromoji, the same code the real
 * plugin wraps) under the real plugin's names and settings, so an index template written for
 * Amazon OpenSearch Service (which ships analysis-kuromoji) creates unchanged in the testbed.
 * User dictionaries are not supported: a template that sets one fails here, loudly, instead of
 * analysing differently.
 */
public final class KuromojiPlugin extends Plugin implements AnalysisPlugin {

  @Override
  public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
    return Map.of("kuromoji_iteration_mark", IterationMark::new);
  }

  @Override
  public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
    return Map.of("kuromoji_tokenizer", KuromojiTokenizer::new);
  }

  @Override
  public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
    return Map.of(
        "kuromoji_baseform", (is, env, name, s) -> filter(is, name, s, JapaneseBaseFormFilter::new),
        "kuromoji_part_of_speech", PartOfSpeech::new,
        "kuromoji_readingform", (is, env, name, s) -> filter(is, name, s,
            ts -> new JapaneseReadingFormFilter(ts, s.getAsBoolean("use_romaji", false))),
        "kuromoji_stemmer", (is, env, name, s) -> filter(is, name, s,
            ts -> new JapaneseKatakanaStemFilter(ts, s.getAsInt("minimum_length", 4))),
        "kuromoji_number", (is, env, name, s) -> filter(is, name, s, JapaneseNumberFilter::new),
        "ja_stop", JaStop::new);
  }

  @Override
  public Map<String, AnalysisProvider<AnalyzerProvider<? extends org.apache.lucene.analysis.Analyzer>>> getAnalyzers() {
    return Map.of("kuromoji", KuromojiAnalyzer::new);
  }

  private interface Wrap {
    TokenStream apply(TokenStream in);
  }

  private static TokenFilterFactory filter(IndexSettings is, String name, Settings s, Wrap wrap) {
    return new AbstractTokenFilterFactory(is, name, s) {
      @Override
      public TokenStream create(TokenStream tokenStream) {
        return wrap.apply(tokenStream);
      }
    };
  }

  private static void rejectUserDictionary(Settings settings) {
    if (settings.get("user_dictionary") != null || !settings.getAsList("user_dictionary_rules").isEmpty()) {
      throw new IllegalArgumentException("testbed kuromoji: user dictionaries are not supported");
    }
  }

  private static JapaneseTokenizer.Mode mode(Settings settings) {
    String mode = settings.get("mode", "search").toUpperCase(Locale.ROOT);
    return JapaneseTokenizer.Mode.valueOf(mode);
  }

  private static final class KuromojiTokenizer extends AbstractTokenizerFactory {
    private final JapaneseTokenizer.Mode mode;
    private final boolean discardPunctuation;
    private final boolean discardCompoundToken;

    KuromojiTokenizer(IndexSettings is, Environment env, String name, Settings settings) {
      super(is, settings, name);
      rejectUserDictionary(settings);
      mode = mode(settings);
      discardPunctuation = settings.getAsBoolean("discard_punctuation", true);
      discardCompoundToken = settings.getAsBoolean("discard_compound_token", false);
    }

    @Override
    public Tokenizer create() {
      return new JapaneseTokenizer(null, discardPunctuation, discardCompoundToken, mode);
    }
  }

  private static final class KuromojiAnalyzer extends AbstractIndexAnalyzerProvider<JapaneseAnalyzer> {
    private final JapaneseAnalyzer analyzer;

    KuromojiAnalyzer(IndexSettings is, Environment env, String name, Settings settings) {
      super(is, name, settings);
      rejectUserDictionary(settings);
      analyzer = new JapaneseAnalyzer(null, mode(settings), JapaneseAnalyzer.getDefaultStopSet(),
          JapaneseAnalyzer.getDefaultStopTags());
    }

    @Override
    public JapaneseAnalyzer get() {
      return analyzer;
    }
  }

  private static final class PartOfSpeech extends AbstractTokenFilterFactory {
    private final Set<String> stopTags;

    PartOfSpeech(IndexSettings is, Environment env, String name, Settings settings) {
      super(is, name, settings);
      List<String> tags = settings.getAsList("stoptags");
      stopTags = tags.isEmpty() ? JapaneseAnalyzer.getDefaultStopTags() : new HashSet<>(tags);
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
      return new JapanesePartOfSpeechStopFilter(tokenStream, stopTags);
    }
  }

  /** {@code stopwords}: a list, where {@code _japanese_} stands for Lucene's Japanese stop set. */
  private static final class JaStop extends AbstractTokenFilterFactory {
    private final CharArraySet stopWords;

    JaStop(IndexSettings is, Environment env, String name, Settings settings) {
      super(is, name, settings);
      List<String> words = settings.getAsList("stopwords", List.of("_japanese_"));
      CharArraySet set = new CharArraySet(16, settings.getAsBoolean("ignore_case", false));
      for (String word : words) {
        if (word.equals("_japanese_")) {
          set.addAll(JapaneseAnalyzer.getDefaultStopSet());
        } else {
          set.add(word);
        }
      }
      stopWords = CharArraySet.unmodifiableSet(set);
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
      return new StopFilter(tokenStream, stopWords);
    }
  }

  private static final class IterationMark extends AbstractCharFilterFactory {
    private final boolean normalizeKanji;
    private final boolean normalizeKana;

    IterationMark(IndexSettings is, Environment env, String name, Settings settings) {
      super(is, name);
      normalizeKanji = settings.getAsBoolean("normalize_kanji", true);
      normalizeKana = settings.getAsBoolean("normalize_kana", true);
    }

    @Override
    public Reader create(Reader reader) {
      return new JapaneseIterationMarkCharFilter(reader, normalizeKanji, normalizeKana);
    }
  }
}
