"""Verificadores dos exercícios: um só estilo e um só formato de mensagem.

Todo verificador do curso é uma função decorada com :func:`verificador`. Ela
recebe a resposta do estudante (um tensor, um número, uma função...) e nunca
mostra um traceback: termina sempre com uma mensagem em português, no formato

    Exercício «bordas horizontais»: correto!
    Exercício «bordas horizontais»: ainda não está certo.
     - a saída é toda zero: o núcleo não reage às bordas horizontais

e guarda o resultado em ``RESULTADOS`` (rótulo do exercício → estado e
mensagem), que a correção automática (``make corrigir``) lê depois de rodar o
notebook de cada estudante. Os estados possíveis estão em ``ESTADOS``.

Dentro de um verificador, a função decorada devolve a lista de problemas
encontrados (vazia = correto) ou interrompe a verificação com :func:`pendente`
(exercício ainda não respondido) ou :func:`reprovar`. As funções auxiliares
abaixo (:func:`chamar`, :func:`como_tensor`, :func:`como_inteiro`) já fazem
isso para os erros comuns: tipo errado, forma errada, exceção dentro da função
do estudante, ``return`` esquecido.
"""
import functools

#: Estados de um exercício, na ordem em que aparecem na planilha de notas.
#: "tempo esgotado" só é dado pela correção automática (o notebook não terminou).
ESTADOS = ("correto", "errado", "sem resposta", "erro", "tempo esgotado")

#: Resultado do último verificador rodado de cada exercício, pelo rótulo.
RESULTADOS = {}


class _Veredito(Exception):
    """Interrompe um verificador com um estado e uma mensagem já em português."""

    def __init__(self, estado, mensagem):
        super().__init__(mensagem)
        self.estado, self.mensagem = estado, mensagem


def pendente(mensagem="complete o exercício e rode esta célula de novo."):
    """Interrompe a verificação: o exercício ainda não foi respondido."""
    raise _Veredito("sem resposta", mensagem)


def reprovar(mensagem, estado="errado"):
    """Interrompe a verificação com um problema (``estado`` ``"errado"`` ou ``"erro"``)."""
    raise _Veredito(estado, mensagem)


def _titulo(rotulo, nome):
    return f"Exercício «{nome}»" if nome else f"Exercício {rotulo}"


def registrar(rotulo, estado, mensagem, nome=None):
    """Guarda o resultado em ``RESULTADOS``, imprime a mensagem padronizada e a devolve."""
    if estado not in ESTADOS:
        raise ValueError(f"estado desconhecido: {estado!r}")
    titulo = _titulo(rotulo, nome)
    cabecalho = {"correto": "correto!", "errado": "ainda não está certo.",
                 "sem resposta": "ainda não respondido.", "erro": "a sua resposta deu erro.",
                 "tempo esgotado": "o notebook não terminou a tempo."}[estado]
    texto = f"{titulo}: {cabecalho}"
    if mensagem:
        texto += "\n" + "\n".join(f" - {linha}" for linha in mensagem.split("\n") if linha)
    RESULTADOS[rotulo] = {"estado": estado, "mensagem": mensagem, "nome": nome or rotulo}
    print(texto)
    return texto


def verificador(rotulo, nome=None):
    """Decora um verificador: padroniza a mensagem e registra o resultado em ``RESULTADOS``.

    ``rotulo`` é o rótulo do exercício na lição (``ex-l1-horizontal``) e
    ``nome``, o nome curto que o estudante lê (``bordas horizontais``). A
    função decorada devolve a lista de problemas (vazia se estiver certo).
    """
    def decorar(funcao):
        @functools.wraps(funcao)
        def verificar(*args, **kwargs):
            try:
                problemas = funcao(*args, **kwargs) or []
            except _Veredito as v:
                estado, mensagem = v.estado, v.mensagem
            except Exception as erro:  # um caso que o verificador não previu: nunca um traceback
                estado = "erro"
                mensagem = (f"a resposta provocou um erro ({type(erro).__name__}: {erro}). "
                            "Confira o tipo e a forma do que você respondeu.")
            else:
                estado = "errado" if problemas else "correto"
                mensagem = "\n".join(problemas)
            registrar(rotulo, estado, mensagem, nome)
            return None
        verificar.rotulo, verificar.nome = rotulo, nome
        return verificar
    return decorar


def _descrever(args):
    partes = []
    for a in args:
        forma = getattr(a, "shape", None)
        partes.append("×".join(map(str, forma)) if forma is not None else repr(a))
    return " e ".join(partes)


def chamar(funcao, *args):
    """Chama a função do estudante; exceções e ``return`` esquecido viram mensagens claras."""
    if funcao is None:
        pendente()
    if not callable(funcao):
        reprovar(f"a resposta deve ser uma função, mas é um {type(funcao).__name__}.")
    try:
        resultado = funcao(*args)
    except NotImplementedError:
        pendente()
    except Exception as erro:
        reprovar(f"com entradas {_descrever(args)}, a sua função levantou "
                 f"{type(erro).__name__}: {erro}", estado="erro")
    if resultado is None:
        reprovar("a sua função devolveu None: faltou o return no fim dela?")
    return resultado


def como_tensor(valor, nome="a resposta", forma=None):
    """Converte ``valor`` num tensor ``float32``; tipo ou forma errados viram mensagens claras."""
    import torch
    if valor is None or valor is ...:
        pendente()
    try:
        tensor = torch.as_tensor(valor, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError):
        reprovar(f"{nome} deve ser um tensor (ou uma lista de números), mas é um {type(valor).__name__}.")
    if forma is not None and tuple(tensor.shape) != tuple(forma):
        reprovar(f"{nome} deve ter forma {tuple(forma)}, mas tem forma {tuple(tensor.shape)}.")
    return tensor


def como_inteiro(valor, nome="a resposta"):
    """Confere que ``valor`` é um número inteiro (aceita ``3.0``); devolve o ``int``."""
    if valor is None or valor is ...:
        pendente()
    if isinstance(valor, bool):
        reprovar(f"{nome} deve ser um número inteiro, mas é {valor!r}.")
    try:
        inteiro = int(valor)
    except (TypeError, ValueError):
        reprovar(f"{nome} deve ser um número inteiro, mas é {valor!r} ({type(valor).__name__}).")
    if inteiro != valor:
        reprovar(f"{nome} deve ser um número inteiro, mas é {valor!r}.")
    return inteiro
