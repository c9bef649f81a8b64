"""Held-out texts for encoder parity: prose, code, CJK, emoji, mixed whitespace, special tokens
written literally, decomposed accents (NFC), contractions and digit runs, pathological runs."""

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "It's a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.\n\n"
    "However little known the feelings or views of such a man may be on his first entering a neighbourhood...",
    "I'VE said it before: we'll see, they'd know, you're right, DON'T panic, it'S fine.",
    "def fibonacci(n: int) -> int:\n    if n < 2:\n        return n\n    return fibonacci(n - 1) + fibonacci(n - 2)\n\n\nprint([fibonacci(i) for i in range(20)])\n",
    "for (int i = 0; i < 1000000; ++i) {\r\n\tsum += a[i] * b[i];\r\n}\r\n",
    "    indented\n\tTabbed\t\tcolumns\n  \n   \n\n\n   trailing   \n",
    "\u4f60\u597d\uff0c\u4e16\u754c\uff01\u4eca\u5929\u5929\u6c14\u5f88\u597d\u3002\u6211\u4eec\u53bb\u516c\u56ed\u5427\u3002",
    "\u65e5\u672c\u8a9e\u306e\u6587\u7ae0\u3068English\u304c\u6df7\u3056\u3063\u305f\u30c6\u30ad\u30b9\u30c8\u3002\ud55c\uad6d\uc5b4\ub3c4 \uc788\uc5b4\uc694.",
    "Emoji: \U0001f600\U0001f603\U0001f604 family \U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 flags \U0001f1eb\U0001f1f7\U0001f1ef\U0001f1f5 heart \u2764\ufe0f",
    "Numbers 1234567890, 3.14159265358979, -42, 1,000,000 and \u0661\u0662\u0663\u0664\u0665 and \u00b2\u00b3 and \u2160\u2161\u2162.",
    "Caf\u0065\u0301 na\u0131\u0308ve r\u00e9sum\u00e9 \u00c5ngstr\u00f6m \u212b \u1e9b\u0323 (decomposed and compatibility forms)",
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat's 2+2?<|im_end|>\n<|im_start|>assistant\n4<|im_end|>\n<|endoftext|>",
    "Special tokens inside words: abc<|endoftext|>def and <|im_end|><|im_end|> and <|im_start and im_end|>",
    "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"q\": \"caf\u0065\u0301\"}}\n</tool_call><|im_end|>",
    "Added tokens glued: x<tool_call>y</tool_call>z <|im_start|><tool_call></tool_call><|endoftext|>",
    "Whitespace zoo: a\u00a0b\u2009c\u3000d\u2028e\u2029f\u0085g\u000bh\u000ci\u001cj\u001fk \u200bl",
    "URL https://example.com/path?query=1&x=y#frag and e-mail someone@example.org, path C:\\Users\\me\\file.txt",
    "JSON {\"key\": [1, 2, 3], \"nested\": {\"a\": null, \"b\": true}} and <html><body class=\"x\">&amp;</body></html>",
    "\u0627\u0644\u0644\u063a\u0629 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u05e2\u05d1\u05e8\u05d9\u05ea \u0939\u093f\u0928\u094d\u0926\u0940 \u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22 \u0440\u0443\u0441\u0441\u043a\u0438\u0439 \u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
    "a" * 700,
    " " * 500 + "x",
    "\n" * 200 + "end",
    "ab" * 400,
    "".join(chr(0x4e00 + (i * 37) % 2000) for i in range(400)),
    "!?" * 200 + "\n\r\n",
    "9" * 601,
    "\U0001f600" * 100,
    "'s'S's'" * 30,
]
