"""A tiny, randomly initialised model with BGE-M3's architecture and heads, built offline for tests.

Same shape as BAAI/bge-m3 (XLM-RoBERTa encoder, XLM-R special tokens, colbert_linear.pt and
sparse_linear.pt heads), only small: hidden size 32, 2 layers, a tokenizer trained here.
"""

from __future__ import annotations

from pathlib import Path

import torch

SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]  # ids 0-4, as in XLM-R


def _corpus() -> list[str]:
    words = ("acme cloud migration data lake analytics contact center wondera olympusat matter "
             "intelligence geospatial solutions inc llc gmbh ltd aws amazon web services sap concur "
             "harris map well architected review managed services hosting proserv funding").split()
    return [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(8)) for i in range(2000)]


def build(folder: Path, hidden: int = 32) -> Path:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import XLMRobertaConfig, XLMRobertaModel, XLMRobertaTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = Tokenizer(models.Unigram())
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=300, special_tokens=SPECIAL_TOKENS, unk_token="<unk>")
    tokenizer.train_from_iterator(_corpus(), trainer=trainer)
    tokenizer.save(str(folder / "tokenizer.json"))
    fast = XLMRobertaTokenizerFast(tokenizer_file=str(folder / "tokenizer.json"),
                                   bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                   pad_token="<pad>", mask_token="<mask>", cls_token="<s>", sep_token="</s>")
    fast.save_pretrained(folder)

    torch.manual_seed(0)
    config = XLMRobertaConfig(
        vocab_size=len(fast), hidden_size=hidden, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=hidden * 2, max_position_embeddings=130, pad_token_id=1,
        bos_token_id=0, eos_token_id=2, type_vocab_size=1,
    )
    XLMRobertaModel(config).save_pretrained(folder)
    torch.save(torch.nn.Linear(hidden, hidden).state_dict(), folder / "colbert_linear.pt")
    torch.save(torch.nn.Linear(hidden, 1).state_dict(), folder / "sparse_linear.pt")
    return folder
