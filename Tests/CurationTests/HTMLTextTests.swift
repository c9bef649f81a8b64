import Testing
@testable import Curation

/// Shorthand: every test compares the whole output, not a substring of it.
private func text(_ html: String) -> String { HTMLText.extract(html) }

@Suite("HTMLText: tags and dropped content")
struct HTMLTextMarkupTests {
    @Test func plainTextPassesThrough() {
        #expect(text("Hello, world.") == "Hello, world.")
        #expect(text("") == "")
        #expect(text("   \n\t  ") == "")
    }

    @Test func inlineTagsAreRemovedWithoutSpacing() {
        #expect(text("<b>bold</b> and <i>it</i>al<span class=x>ic</span>") == "bold and italic")
        #expect(text("<a href='/x'>link</a>!") == "link!")
    }

    @Test func uppercaseAndMixedCaseTags() {
        #expect(text("<P>One</P><DIV>Two</DIV>Three<Br>Four") == "One\n\nTwo\nThree\nFour")
        #expect(text("a<SCRIPT>var x = 1;</SCRIPT>b") == "ab")
        #expect(text("a<ScRiPt>x</sCrIpT >b") == "ab")
    }

    @Test func scriptStyleAndFriendsAreDropped() {
        #expect(text("a <script>alert(1)</script> b") == "a b")
        #expect(text("a<style>p { color: red }</style>b") == "ab")
        #expect(text("a<noscript><p>Enable JS</p></noscript>b") == "ab")
        #expect(text("a<iframe src=x>fallback</iframe>b") == "ab")
        #expect(text("<template><p>hidden</p></template><p>shown</p>") == "shown")
        #expect(text("x<svg viewBox='0 0 1 1'><text>label</text><g><title>t</title></g></svg>y") == "xy")
    }

    @Test func scriptEndsOnlyAtItsOwnEndTag() {
        let html = """
            <script>var s = "</div><p>not text</p>"; if (a < b && c > d) { s += '</scr' + 'ipt>'; }</script>after
            """
        #expect(text(html) == "after")
        // `</script` must be followed by whitespace, `/` or `>` to end the script.
        #expect(text("<script>x = '</scripts>'; y = '</script-x>';</script >ok") == "ok")
        #expect(text("<style>a::after { content: '</p>' }</style>ok") == "ok")
    }

    @Test func unclosedScriptRunsToTheEnd() {
        #expect(text("before<script>var a = '<p>x</p>';") == "before")
        #expect(text("before<style>body{}") == "before")
    }

    @Test func nestedDroppedElements() {
        #expect(text("<template>a<template>b</template>c</template>d") == "d")
        #expect(text("<svg><svg><text>in</text></svg>still in</svg>out") == "out")
        #expect(text("<svg/>visible") == "visible")
        #expect(text("<svg><script>if (a</b) {}</script></svg>out") == "out")
    }

    @Test func commentsDoctypeCdataAndProcessingInstructions() {
        #expect(text("<!DOCTYPE html><p>x</p>") == "x")
        #expect(text("a<!-- comment <p>with</p> tags -->b") == "ab")
        #expect(text("a<!---->b<!-- - -- -->c") == "abc")
        #expect(text("a<!-->b") == "ab")
        #expect(text("a<!--->b") == "ab")
        #expect(text("a<!-- x --!>b") == "ab")
        #expect(text("a<![CDATA[ x > y ]]>b") == "ab")
        #expect(text("<?xml version=\"1.0\"?>a<?php echo 1 ?>b") == "ab")
        #expect(text("a</ not a tag>b") == "ab")
        #expect(text("a</>b") == "ab")
    }

    @Test func unclosedCommentRunsToTheEnd() {
        #expect(text("kept<!-- never closed <p>lost</p>") == "kept")
        #expect(text("kept<![CDATA[ never closed") == "kept")
        #expect(text("kept<!DOCTYPE never closed") == "kept")
    }

    @Test func quotedAttributeValuesMayContainAngleBrackets() {
        #expect(text("<a title=\"a>b\">x</a>") == "x")
        #expect(text("<a title='a>b' data-x=\"<p>\">x</a>y") == "xy")
        #expect(text("<img alt=\"1 > 0\" src=x.png>after") == "after")
        #expect(text("<a href=/x?a=1>y</a>") == "y")
        #expect(text("<p class = \"c\" hidden>z</p>") == "z")
    }

    @Test func strayLessThanIsText() {
        #expect(text("a < b") == "a < b")
        #expect(text("1<2 and 3 <= 4") == "1<2 and 3 <= 4")
        #expect(text("<<>>") == "<<>>")
        #expect(text("x <") == "x <")
        #expect(text("x </") == "x </")
        #expect(text("if (a <b) {}") == "if (a")  // `<b` starts a tag that never ends, as in browsers
    }

    @Test func tagCutOffByEndOfInputIsDropped() {
        #expect(text("text<a href=\"unterminated>more text") == "text")
        #expect(text("text<p") == "text")
    }

    @Test func titleIsTheFirstParagraph() {
        let html = """
            <html><head><meta charset="utf-8"><title> My  &amp; Page </title>
            <link rel=stylesheet href=a.css><style>body{}</style></head>
            <body><h1>Heading</h1><p>Body text.</p></body></html>
            """
        #expect(text(html) == "My & Page\n\nHeading\n\nBody text.")
        #expect(text("<title>a <b> c</title>x") == "a <b> c\n\nx")
    }

    @Test func nulBytesAreDropped() {
        #expect(text("a\u{0}b") == "ab")
    }
}

@Suite("HTMLText: layout")
struct HTMLTextLayoutTests {
    @Test func paragraphsAndHeadingsAreSeparatedByABlankLine() {
        #expect(text("<h1>Title</h1><p>One.</p><p>Two.</p>") == "Title\n\nOne.\n\nTwo.")
        #expect(text("<h2>A</h2>text<h6>B</h6>") == "A\n\ntext\n\nB")
        #expect(text("<blockquote>q</blockquote>after") == "q\n\nafter")
    }

    @Test func divsAndStructuralBlocksAreSeparatedByANewline() {
        #expect(text("<div>a</div><div>b</div>") == "a\nb")
        #expect(text("<header>h</header><nav>n</nav><main>m</main><aside>s</aside><footer>f</footer>")
                == "h\nn\nm\ns\nf")
        #expect(text("<section><article>x</article></section>y") == "x\ny")
        #expect(text("<figure><img src=a><figcaption>cap</figcaption></figure>next") == "cap\n\nnext")
        #expect(text("<form><fieldset><legend>L</legend>field</fieldset></form>") == "L\nfield")
        #expect(text("<address>addr</address>x") == "addr\n\nx")
    }

    @Test func blockBreaksNeverStackBeyondOneBlankLine() {
        #expect(text("<p></p><p></p><div><p><p>x</p></p></div><p></p><hr><p>y</p>") == "x\n\ny")
        #expect(text("<p>a</p>\n\n   \n<p>b</p>") == "a\n\nb")
    }

    @Test func lineBreaks() {
        #expect(text("one<br>two<br/>three<BR />four") == "one\ntwo\nthree\nfour")
        #expect(text("a<br><br>b") == "a\n\nb")
        #expect(text("a<br><br><br><br>b") == "a\n\nb")
        #expect(text("<br><br>a<br><br>") == "a")
        #expect(text("a</br>b") == "a\nb")
        #expect(text("line one  <br>  line two") == "line one\nline two")
    }

    @Test func horizontalRule() {
        #expect(text("above<hr>below") == "above\n\nbelow")
    }

    @Test func lists() {
        #expect(text("<p>Intro</p><ul><li>one</li><li>two</li></ul><p>Outro</p>")
                == "Intro\n\none\ntwo\n\nOutro")
        #expect(text("<ol><li>a<li>b<li>c</ol>") == "a\nb\nc")
        #expect(text("<dl><dt>term</dt><dd>definition</dd></dl>") == "term\ndefinition")
    }

    @Test func nestedListsStayOneItemPerLine() {
        let html = """
            <ul>
              <li>fruit
                <ul>
                  <li>apple</li>
                  <li>pear
                    <ol><li>conference</li></ol>
                  </li>
                </ul>
              </li>
              <li>vegetables</li>
            </ul>
            after
            """
        #expect(text(html) == "fruit\napple\npear\nconference\nvegetables\n\nafter")
    }

    @Test func tableCellsAreTabSeparatedAndRowsAreLines() {
        let html = """
            <table>
              <tr><th>Name</th><th>Age</th></tr>
              <tr><td> Ada </td><td>36</td></tr>
              <tr><td>Alan</td><td></td><td></td><td>41</td></tr>
            </table>
            <p>after</p>
            """
        #expect(text(html) == "Name\tAge\nAda\t36\nAlan\t41\n\nafter")
    }

    @Test func whitespaceCollapses() {
        #expect(text("  a   b\n\n\tc  ") == "a b c")
        #expect(text("<p>\n   Several\n   lines\r\n   of   source\n</p>") == "Several lines of source")
        #expect(text("a <b> b </b> c") == "a b c")
        #expect(text("<div>  leading and trailing  </div>") == "leading and trailing")
    }

    @Test func preKeepsWhitespace() {
        let html = "<p>Code:</p><pre>\nfunc f() {\n    return  1\t// tab\n}\n</pre><p>after   it</p>"
        #expect(text(html) == "Code:\n\nfunc f() {\n    return  1\t// tab\n}\n\nafter it")
        // Tags inside pre are still tags; entities are still decoded; trailing spaces trimmed.
        #expect(text("<PRE>  <b>x</b> &lt;y&gt;   \n  z</PRE>") == "  x <y>\n  z")
        // Blank lines inside pre are kept, but never more than one in a row.
        #expect(text("<pre>a\n\n\n\nb</pre>") == "a\n\nb")
        #expect(text("<pre>a\r\nb\rc</pre>") == "a\nb\nc")
    }

    @Test func textareaKeepsWhitespaceAndIsNotParsed() {
        #expect(text("Note: <textarea>\n  x  <b>y</b>\n  z &amp; w</textarea> end")
                == "Note:   x  <b>y</b>\n  z & w end")
    }

    @Test func outputIsTrimmedAtBothEnds() {
        #expect(text("\n\n<p>\n\nx\n\n</p>\n\n") == "x")
        #expect(text("<br><div></div><p> </p>") == "")
    }
}

@Suite("HTMLText: character references")
struct HTMLTextEntityTests {
    @Test func namedEntities() {
        #expect(text("&amp; &lt; &gt; &quot; &apos;") == "& < > \" '")
        #expect(text("&copy; &reg; &trade; &hellip; &mdash; &ndash;") == "© ® ™ … — –")
        #expect(text("&lsquo;a&rsquo; &ldquo;b&rdquo; &laquo;c&raquo;") == "‘a’ “b” «c»")
        #expect(text("&bull;&middot;&euro;&pound;&yen;&cent;&sect;&para;&deg;") == "•·€£¥¢§¶°")
        #expect(text("&plusmn;&times;&divide;&frac12;&frac14;&frac34;") == "±×÷½¼¾")
        #expect(text("&eacute;&Eacute;&Agrave;&szlig;&ntilde;&ccedil;&oslash;&yuml;&AElig;")
                == "éÉÀßñçøÿÆ")
        #expect(text("&alpha;&beta;&Gamma;&Delta;&omega;&Omega;&sigmaf;&thetasym;") == "αβΓΔωΩςϑ")
        #expect(text("&larr;&rarr;&uarr;&darr;&harr;&rArr;") == "←→↑↓↔⇒")
        #expect(text("&le;&ge;&ne;&infin;&sum;&prod;&radic;&minus;&forall;&isin;")
                == "≤≥≠∞∑∏√−∀∈")
        #expect(text("&OElig;&scaron;&Dagger;&permil;&lang;x&rang;&spades;") == "Œš‡‰⟨x⟩♠")
    }

    @Test func namesAreCaseSensitive() {
        #expect(text("&Eacute; &eacute; &EACUTE;") == "É é &EACUTE;")
    }

    @Test func nbspBecomesAnOrdinarySpace() {
        #expect(text("a&nbsp;b") == "a b")
        #expect(text("a&nbsp;&nbsp;&nbsp;b") == "a b")
        #expect(text("<p>&nbsp;</p><p>x&nbsp;</p>") == "x")
        #expect(text("<pre>a&nbsp;&nbsp;b</pre>") == "a  b")
    }

    @Test func decimalAndHexReferences() {
        #expect(text("&#65;&#066;&#x43;&#X44;&#x65;") == "ABCDe")
        #expect(text("&#8364; &#x20AC; &#x1F600;") == "€ € 😀")
        #expect(text("&#x4E2D;&#25991;") == "中文")
        #expect(text("a&#32;&#9;&#10;b") == "a b")  // decoded whitespace is still whitespace
    }

    @Test func invalidNumericReferencesBecomeReplacementCharacter() {
        #expect(text("&#0;") == "\u{FFFD}")
        #expect(text("&#xD800;&#xDFFF;") == "\u{FFFD}\u{FFFD}")
        #expect(text("&#x110000;") == "\u{FFFD}")
        #expect(text("&#99999999999999999999999999;") == "\u{FFFD}")
        #expect(text("&#x10FFFF;") == "\u{10FFFF}")
    }

    @Test func c1ReferencesAreReadAsWindows1252() {
        #expect(text("&#146;&#147;&#148;&#150;&#151;&#128;&#153;") == "’“”–—€™")
        #expect(text("&#x81;") == "\u{81}")  // undefined in windows-1252: left alone
    }

    @Test func numericReferencesWithoutSemicolon() {
        #expect(text("&#65 &#x42!") == "A B!")
    }

    @Test func malformedNumericReferencesAreText() {
        #expect(text("&# &#; &#x; &#xg; &#a;") == "&# &#; &#x; &#xg; &#a;")
    }

    @Test func unknownEntitiesAreLeftAsWritten() {
        #expect(text("&foo; &bogusname; &amp &;") == "&foo; &bogusname; & &;")
        #expect(text("AT&T & co") == "AT&T & co")
        #expect(text("&averyveryverylongnamethatisnotanentity;") == "&averyveryverylongnamethatisnotanentity;")
        #expect(text("trailing &") == "trailing &")
    }

    @Test func legacyEntitiesWithoutSemicolon() {
        #expect(text("fish &amp chips") == "fish & chips")
        #expect(text("a &lt b &gt c") == "a < b > c")
        #expect(text("&quot;x&quot") == "\"x\"")
        #expect(text("a&nbsp,b") == "a ,b")
        #expect(text("?a=1&amp=2") == "?a=1&=2")
        #expect(text("end&amp") == "end&")
        // Followed by an alphanumeric: not a reference.
        #expect(text("&ampx &ltb &nbspy") == "&ampx &ltb &nbspy")
        // Only the legacy names get this treatment.
        #expect(text("&copy 2024 &eacute") == "&copy 2024 &eacute")
    }

    @Test func referencesAreNotDecodedTwice() {
        #expect(text("&amp;lt; &amp;#65;") == "&lt; &#65;")
    }

    @Test func entityTableIsComplete() {
        // 252 HTML 4 names, apos, and six upper-case HTML5 legacy spellings.
        #expect(HTMLEntities.table.count == 259)
        #expect(HTMLEntities.table.keys.allSatisfy { $0.utf8.count <= HTMLEntities.maxNameLength })
        #expect(HTMLEntities.table["nbsp"] == "\u{A0}")
        #expect(HTMLEntities.table["yuml"] == "\u{FF}")
        #expect(HTMLEntities.table["thorn"] == "\u{FE}")
        #expect(HTMLEntities.table["diams"] == "\u{2666}")
        #expect(HTMLEntities.legacyWithoutSemicolon.allSatisfy { HTMLEntities.table[$0] != nil })
    }
}

@Suite("HTMLText: Unicode and robustness")
struct HTMLTextRobustnessTests {
    @Test func cjkAndRtlTextPassThroughUnchanged() {
        let chinese = "中文文本，包含标点。"
        let japanese = "日本語のテキスト"
        let arabic = "مرحبا بالعالم"
        let hebrew = "שלום עולם"
        #expect(text("<p>\(chinese)</p><p>\(japanese)</p>") == "\(chinese)\n\n\(japanese)")
        #expect(text("<div dir=\"rtl\">\(arabic)</div><div dir=rtl>\(hebrew)</div>") == "\(arabic)\n\(hebrew)")
        // Non-ASCII whitespace (ideographic space, RLM) is text, not collapsed.
        #expect(text("全角\u{3000}空白 \u{200F}x") == "全角\u{3000}空白 \u{200F}x")
        #expect(text("emoji 👩‍👩‍👧 and é (e + combining) stay") == "emoji 👩‍👩‍👧 and é (e + combining) stay")
    }

    @Test func byteInputWithInvalidUTF8() {
        let bytes: [UInt8] = Array("<p>ok ".utf8) + [0xFF, 0xC3] + Array("</p>".utf8)
        #expect(HTMLText.extract(bytes: bytes) == "ok \u{FFFD}\u{FFFD}")
        #expect(HTMLText.extract(bytes: Array("<b>x</b>".utf8)) == "x")
        #expect(HTMLText.extract(bytes: "<i>lazy</i>".utf8.lazy.map { $0 }) == "lazy")
    }

    @Test func documentEndsInsideConstructs() {
        for html in ["<", "<a", "<a ", "<a b", "<a b=", "<a b='", "<a b=\"x", "</", "</a", "<!", "<!-",
                     "<!--", "<!---", "<?", "&", "&#", "&#x", "&#12", "&am", "<![CDATA[", "<pre>",
                     "<textarea>", "<title>", "<script>", "<svg>", "<p", "<br/"] {
            _ = text(html)  // must not trap
            _ = text("x" + html)
        }
        #expect(text("<") == "<")
        #expect(text("x&#12") == "x")  // U+000C is whitespace, so nothing is left after x
        #expect(text("<title>unclosed title") == "unclosed title")
        #expect(text("<textarea>unclosed\n  area") == "unclosed\n  area")
    }

    /// Pathological inputs: each would take hours with a quadratic algorithm at this size.
    /// The assertions check the output, not the time.
    @Test func largePathologicalInputsInLinearTime() {
        let size = 1 << 20
        let lessThans = String(repeating: "<", count: size)
        #expect(text(lessThans) == lessThans)

        let openComments = String(repeating: "<!--", count: size / 4)
        #expect(text("start" + openComments) == "start")

        let openScripts = String(repeating: "<script>", count: size / 8)
        #expect(text("start" + openScripts) == "start")

        let ampersands = String(repeating: "&", count: size)
        #expect(text(ampersands) == ampersands)

        let longName = "&" + String(repeating: "a", count: size) + ";"
        #expect(text(longName) == longName)

        let endTagOpeners = String(repeating: "</", count: size / 2)
        #expect(text("start" + endTagOpeners) == "start")

        let breaks = String(repeating: "<br>", count: size / 4)
        #expect(text("a" + breaks + "b") == "a\n\nb")

        let nestedDivs = String(repeating: "<div><span>x</span>", count: size / 20)
        let expectedDivs = Array(repeating: "x", count: size / 20).joined(separator: "\n")
        #expect(text(nestedDivs) == expectedDivs)

        let almostEndTags = "<script>" + String(repeating: "</scrip", count: size / 7) + "</script>ok"
        #expect(text(almostEndTags) == "ok")

        let digits = "&#" + String(repeating: "9", count: size) + ";"
        #expect(text(digits) == "\u{FFFD}")
    }
}
