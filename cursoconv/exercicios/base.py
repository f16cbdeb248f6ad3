"""A base dos verificadores: um só formato de resultado, um só sorteio, um só vigia de atalhos.

Todo verificador é uma função decorada com :func:`verificador`: recebe a resposta do estudante e termina sempre
com uma mensagem em português, nunca com um traceback (``Exercício «bordas horizontais»: ainda não está certo.``
e, em seguida, ``- o núcleo não reage às bordas horizontais``). O resultado fica em ``RESULTADOS`` (rótulo →
estado e mensagem), que a correção automática (``make corrigir``) lê; os estados possíveis estão em ``ESTADOS``.
A função decorada devolve a lista de problemas (vazia = correto) ou interrompe a verificação com :func:`pendente`
ou :func:`reprovar`; :func:`chamar`, :func:`como_tensor` e :func:`como_inteiro` já tratam os erros comuns (tipo
ou forma errados, NaN, exceção, ``return`` esquecido). O que a função do estudante imprime só aparece na primeira
chamada de cada verificação; uma nota antes do veredito diz em quantas das outras ela imprimiu. As entradas de
teste vêm de :class:`Sorteio`, e :class:`Vigia` flagra a convolução e o agrupamento prontos do PyTorch, por
qualquer nome. Os verificadores de cada lição ficam em ``licao0.py`` a ``licao6.py``.
"""
import contextlib
import functools
import io
import math
import re
import secrets

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

#: Estados de um exercício, na ordem em que aparecem na planilha de notas.
#: "tempo esgotado" só é dado pela correção automática (o notebook não terminou).
ESTADOS = ("correto", "errado", "sem resposta", "erro", "tempo esgotado")

#: Resultado do último verificador rodado de cada exercício, pelo rótulo.
RESULTADOS = {}


class _Veredito(Exception):
    """Interrompe um verificador; os ``args`` são o estado e a mensagem, já em português."""


def pendente(mensagem="complete o exercício e rode esta célula de novo."):
    """Interrompe a verificação: o exercício ainda não foi respondido."""
    raise _Veredito("sem resposta", mensagem)


def reprovar(mensagem, estado="errado"):
    """Interrompe a verificação com um problema (``estado`` ``"errado"`` ou ``"erro"``)."""
    raise _Veredito(estado, mensagem)


def registrar(rotulo, estado, mensagem, nome=None):
    """Guarda o resultado em ``RESULTADOS``, imprime a mensagem padronizada e a devolve."""
    if estado not in ESTADOS:
        raise ValueError(f"estado desconhecido: {estado!r}")
    cabecalho = {"correto": "correto!", "errado": "ainda não está certo.", "sem resposta": "ainda não respondido.",
                 "erro": "a sua resposta deu erro.", "tempo esgotado": "o notebook não terminou a tempo."}[estado]
    texto = f"Exercício «{nome}»: {cabecalho}" if nome else f"Exercício {rotulo}: {cabecalho}"
    if mensagem:
        texto += "\n" + "\n".join(f" - {linha}" for linha in mensagem.split("\n") if linha)
    RESULTADOS[rotulo] = {"estado": estado, "mensagem": mensagem, "nome": nome or rotulo}
    print(texto)
    return texto


class _Saida:
    """Quantas chamadas da função do estudante a verificação em curso (``atual``) fez e quantas imprimiram."""
    atual, chamadas, impressas = None, 0, 0


def verificador(rotulo, nome=None):
    """Decora um verificador do exercício ``rotulo`` (``ex-l1-horizontal``), que o estudante
    lê como ``nome`` (``bordas horizontais``): padroniza a mensagem e registra o resultado."""
    def decorar(funcao):
        @functools.wraps(funcao)
        def verificar(*args, **kwargs):
            fora, _Saida.atual = _Saida.atual, _Saida()  # numa verificação dentro de outra, a de fora volta no fim
            tipo = torch.get_default_dtype()  # o gerador, o tipo padrão e o gradiente voltam como estavam, mesmo que
            try:  # a função do estudante os mude (torch.manual_seed, set_default_dtype, set_grad_enabled(False))
                with torch.random.fork_rng(devices=[]), torch.set_grad_enabled(torch.is_grad_enabled()):
                    problemas = funcao(*args, **kwargs) or []
            except _Veredito as v:
                estado, mensagem = v.args
            except (Exception, SystemExit) as erro:  # um caso que o verificador não previu: nunca um traceback
                estado, mensagem = "erro", (f"a resposta provocou um erro ({type(erro).__name__}: {erro}). "
                                            "Confira o tipo e a forma do que você respondeu.")
            else:
                estado, mensagem = "errado" if problemas else "correto", "\n".join(problemas)
            finally:
                saida, _Saida.atual = _Saida.atual, fora
                torch.set_default_dtype(tipo)
            if saida.impressas:  # uma nota só, logo antes do veredito
                print(f"(a sua função imprimiu em {saida.impressas} das outras chamadas do verificador, "
                      "com entradas diferentes; mostrei só a saída da primeira.)")
            registrar(rotulo, estado, mensagem, nome)
        verificar.rotulo, verificar.nome = rotulo, nome
        return verificar
    return decorar


def chamar(funcao, *args):
    """Chama a função do estudante; exceções e ``return`` esquecido viram mensagens claras. Numa verificação,
    só o que ela imprime na 1ª chamada aparece (na hora); o das outras fica preso (seriam 30 a 40 cópias)."""
    if funcao is None:
        pendente()
    if not callable(funcao):
        reprovar(f"a resposta deve ser uma função, mas é um {type(funcao).__name__}.")
    saida, presa = _Saida.atual or _Saida(), io.StringIO()
    saida.chamadas += 1
    try:
        with contextlib.redirect_stdout(presa) if saida.chamadas > 1 else contextlib.nullcontext():
            resultado = funcao(*args)
    except NotImplementedError:
        pendente()
    except (Exception, SystemExit) as erro:  # SystemExit: exit() ou sys.exit() na função do estudante
        entradas = " e ".join("×".join(map(str, a.shape)) if hasattr(a, "shape") else repr(a) for a in args)
        motivo = (f"{type(erro).__name__}: {erro}" if isinstance(erro, Exception)
                  else "SystemExit: exit() e sys.exit() encerram o Python; para entregar o resultado, use return")
        reprovar(f"com entradas {' '.join(entradas.split())}, a sua função levantou {motivo}", estado="erro")
    finally:
        saida.impressas += bool(presa.getvalue())
    if resultado is None:
        reprovar("a sua função devolveu None: faltou o return no fim dela?")
    return resultado


def como_tensor(valor, nome="a resposta", forma=None):
    """Converte ``valor`` num tensor ``float32``; tipo ou forma errados viram mensagens claras."""
    if valor is None or valor is ...:
        pendente()
    try:
        tensor = torch.as_tensor(valor, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError):
        reprovar(f"{nome} deve ser um tensor (ou uma lista de números), mas é um {type(valor).__name__}.")
    if forma is not None and tuple(tensor.shape) != tuple(forma):
        reprovar(f"{nome} deve ter forma {tuple(forma)}, mas tem forma {tuple(tensor.shape)}.")
    if not torch.isfinite(tensor).all():  # com NaN toda comparação dá falso, e nada seria reprovado
        reprovar(f"{nome} tem valores NaN ou infinitos (uma divisão por zero?): todos devem ser números finitos.")
    return tensor


def como_numero(valor, nome="a resposta", inteiro=False):
    """Confere que ``valor`` é um número; devolve o ``float`` (com ``inteiro``, o ``int``; aceita ``3.0``)."""
    tipo = "número inteiro" if inteiro else "número"
    if valor is None or valor is ...:
        pendente()
    try:
        numero = int(valor) if inteiro else float(valor)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
        reprovar(f"{nome} deve ser um {tipo}, mas é {valor!r} ({type(valor).__name__}).")
    if isinstance(valor, (bool, str)) or (inteiro and numero != valor):  # texto: "4" é um número entre aspas
        reprovar(f"{nome} deve ser um {tipo}, mas é {valor!r}.")
    if not inteiro and not math.isfinite(numero):  # com NaN toda comparação dá falso; um int é sempre finito
        reprovar(f"{nome} deve ser um número finito, mas é {valor!r}.")
    return numero


def como_inteiro(valor, nome="a resposta"):
    """Confere que ``valor`` é um número inteiro (aceita ``3.0``); devolve o ``int``."""
    return como_numero(valor, nome, inteiro=True)


def comparar_tensor(obtido, esperado, entrada):
    """Lista (0 ou 1 item) o que não bate entre a saída do estudante e a esperada."""
    if not isinstance(obtido, torch.Tensor):
        reprovar(f"a função deve devolver um tensor, mas devolveu um {type(obtido).__name__}.")
    if tuple(obtido.shape) != tuple(esperado.shape):
        return [f"com {entrada}, a saída tem forma {tuple(obtido.shape)}, "
                f"mas deveria ter forma {tuple(esperado.shape)}."]
    if not torch.allclose(obtido.detach().float().cpu(), esperado.float().cpu(), atol=1e-4, rtol=1e-4):
        return [f"com {entrada}, a forma da saída está certa, mas os valores não batem."]
    return []


class Sorteio:
    """As entradas de teste de uma verificação: semente nova a cada vez, ou ``semente`` fixa (testes)."""

    def __init__(self, semente=None):
        self.gerador = torch.Generator().manual_seed(secrets.randbits(62) if semente is None else semente)

    def inteiro(self, a, b):
        """Um inteiro entre ``a`` e ``b``, inclusive."""
        return int(torch.randint(a, b + 1, (1,), generator=self.gerador))


def atalho(nome):
    """``"convolution.default"`` → ``("convolução", "F.conv2d")``; ``"max_pool2d_with_indices"`` →
    ``("agrupamento", "F.max_pool2d")``; o que não é atalho → ``None``."""
    base = nome.split(".")[0].strip("_")
    if "pool" in base:
        return "agrupamento", "F." + base.replace("_with_indices", "").replace("mkldnn_", "")
    if re.search(r"conv(olution|\d|_)", base):
        return "convolução", "F.conv2d"
    return None


class _NasFuncoes(TorchFunctionMode):
    def __init__(self, vigia):
        super().__init__()
        self.vigia = vigia

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.vigia.total += 1
        self.vigia.anotar(getattr(func, "__name__", ""))
        return func(*args, **(kwargs or {}))


class Vigia(TorchDispatchMode):
    """Observa o que o código faz com o PyTorch dentro do bloco ``with Vigia() as vigia:``.

    ``vigia.usados`` leva o nome conhecido (``"F.avg_pool2d"``) ao tipo (``"agrupamento"`` ou ``"convolução"``)
    de cada atalho usado, por qualquer caminho: ``F.conv2d``, um apelido
    (``from torch.nn.functional import avg_pool2d``), ``nn.MaxPool2d``, ``torch.ops.aten.*``, ``torch._C._nn.*``.
    O vigia fica no despachante (``TorchDispatchMode``), por onde passa toda operação, e também nas funções
    (``TorchFunctionMode``), porque o ATen reescreve algumas antes do despachante (o agrupamento adaptativo 1×1
    chega lá como uma média). ``vigia.total`` conta as funções do PyTorch chamadas (as operações com tensores).
    """

    def __init__(self):
        super().__init__()
        self.total, self.usados, self.funcoes = 0, {}, _NasFuncoes(self)

    def anotar(self, nome):
        if achado := atalho(nome):
            self.usados[achado[1]] = achado[0]

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.anotar(func.__name__)  # toda operação do ATen, qualquer que seja o nome usado
        return func(*args, **(kwargs or {}))

    def __enter__(self):
        self.funcoes.__enter__()
        return super().__enter__()

    def __exit__(self, *erro):
        super().__exit__(*erro)
        self.funcoes.__exit__(*erro)

    def reprovar_atalhos(self, proibidos, pedido):
        """Reprova o código que usou um atalho de um dos tipos ``proibidos``; ``pedido`` diz o que fazer."""
        partes = []
        for tipo, artigo in (("convolução", "a convolução pronta"), ("agrupamento", "o agrupamento pronto")):
            nomes = sorted(nome for nome, t in self.usados.items() if t == tipo)
            if tipo in proibidos and nomes:
                partes.append(f"{artigo} do PyTorch ({', '.join(nomes)})")
        if partes:
            reprovar(f"a sua função usa {' e '.join(partes)}, que o verificador reconhece por qualquer "
                     f"nome com que seja chamado. O exercício pede o seu próprio código: {pedido}.")


def chamar_vigiado(funcao, *args):
    """:func:`chamar` com um :class:`Vigia` e cópias dos tensores (mexer neles não muda a conta certa)."""
    args = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
    with Vigia() as vigia:
        return chamar(funcao, *args), vigia
