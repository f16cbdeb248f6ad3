"""A avaliação (``evaluate_accuracy``) e as conferências, dela e do treino: um erro do PyTorch em inglês
vira uma mensagem em português com a causa e a correção (o original fica em ``erro.__cause__``).
"""

import itertools
import warnings
from collections.abc import Iterator

import torch
from torch import nn
from torch.nn.parameter import is_lazy

from .ambiente import dispositivo_de
from .carregadores import CarregadorDeTensores, validar_lote
from .formato import inteiro

#: Perdas que comparam números com números: não servem para rótulos de classe (inteiros 0 a 9).
PERDAS_DE_REGRESSAO = (nn.MSELoss, nn.L1Loss, nn.SmoothL1Loss, nn.HuberLoss, nn.BCELoss, nn.BCEWithLogitsLoss)


def validar_modelo(net, loss):
    if not isinstance(net, nn.Module):
        raise TypeError("net deve ser um modelo do PyTorch (um nn.Module, como nn.Sequential(...)); "
                        f"recebi {type(net).__name__}.")
    if not isinstance(loss, nn.Module) or getattr(loss, "reduction", None) not in ("mean", "sum", "none"):
        raise TypeError("loss deve ser uma função de perda do PyTorch, como nn.CrossEntropyLoss(); "
                        f"recebi {type(loss).__name__}.")


def conferir_carregador(nome, carregador):
    """Recusa um lote solto, ``(X, y)``, onde se espera um carregador (cada item, um lote)."""
    if isinstance(carregador, (tuple, list)) and len(carregador) == 2 and all(
            isinstance(t, torch.Tensor) for t in carregador):
        raise TypeError(f"{nome} recebeu um lote só, (X, y), mas espera um carregador de lotes, como test_iter. "
                        "Para usar um lote só, ponha-o numa lista: [(X, y)].")


def conferir_argumentos(net, train_iter, test_iter, batch_size, trainer, loss, num_epochs):
    """As conferências de ``train_validate`` antes de treinar: cada problema, uma mensagem com a correção."""
    validar_modelo(net, loss)
    validar_lote(batch_size)
    if not isinstance(trainer, torch.optim.Optimizer):
        raise TypeError("trainer (o otimizador) deve ser um otimizador do PyTorch, como "
                        f"torch.optim.SGD(net.parameters(), lr=0.1); recebi {type(trainer).__name__}.")
    if isinstance(num_epochs, bool) or not isinstance(num_epochs, int) or num_epochs < 0:
        raise ValueError(f"num_epochs deve ser um inteiro ≥ 0, como 10; recebi {num_epochs!r}.")
    lote = getattr(train_iter, "batch_size", None)
    if isinstance(lote, int) and lote != batch_size:
        raise ValueError(f"batch_size={batch_size}, mas os lotes de train_iter têm {lote} imagens: o tamanho do "
                         f"lote é o do carregador, e batch_size não o muda. Passe batch_size={lote} ou crie os "
                         f"carregadores com o lote que quer: utils.load_data_fashion_mnist({batch_size}).")
    for nome, carregador in (("train_iter", train_iter), ("test_iter", test_iter)):
        conferir_carregador(nome, carregador)
        papel = getattr(carregador, "papel", None)  # dos carregadores do curso: "treino", "teste" ou "validação"
        if papel in (("teste", "validação") if nome == "train_iter" else ("treino",)):
            raise ValueError(f"{nome} é o carregador de {papel}: os carregadores estão trocados? A ordem é "
                             "train_validate(net, train_iter, valid_iter, batch_size, trainer, loss, num_epochs): "
                             "treina com o primeiro e avalia no segundo. Treinar com a validação (ou o teste), ou "
                             "avaliar no próprio treino, dá números que não medem o que a rede generaliza.")
        if hasattr(carregador, "__len__") and len(carregador) == 0:
            raise ValueError(f"{nome} está vazio (nenhum lote): confira o carregador de dados, por "
                             "exemplo train_iter, test_iter = utils.load_data_fashion_mnist(128).")
        if isinstance(carregador, Iterator) and num_epochs > 1:
            raise TypeError(f"{nome} é um gerador (ou outro iterador), que só se percorre uma vez: com "
                            f"num_epochs={num_epochs}, a 2ª época não teria nenhum lote. Passe algo que se "
                            f"percorra a cada época, como uma lista de lotes, list({nome}), ou o carregador de "
                            "utils.load_data_fashion_mnist(128).")
        if isinstance(carregador, CarregadorDeTensores):
            ruins = carregador.imagens_ruins()
            if len(ruins):
                raise ValueError(f"{nome} tem {inteiro(len(ruins))} imagem(ns) com pixels NaN ou infinitos (a "
                                 f"primeira é a de índice {int(ruins[0])}): com elas a perda vira NaN, qualquer "
                                 "que seja a taxa de aprendizado. Corrija ou tire essas imagens antes de treinar.")
    if not torch.is_grad_enabled() or torch.is_inference_mode_enabled():
        raise RuntimeError("train_validate foi chamado dentro de torch.no_grad() (ou de "
                           "torch.inference_mode()), e sem gradientes a rede não aprende. Chame-o fora "
                           "do bloco with torch.no_grad(): esse bloco é só para avaliar ou prever.")
    ruins = [nome for nome, p in net.named_parameters() if not is_lazy(p) and not torch.isfinite(p).all()]
    if ruins:
        raise ValueError(f"A rede já tem pesos NaN ou infinitos antes do treino (em {', '.join(ruins)}): "
                         "nenhuma taxa de aprendizado conserta isso. Crie a rede de novo (ou carregue pesos bons "
                         "com net.load_state_dict) e crie o otimizador com os parâmetros dela.")
    if not any(p.requires_grad for p in net.parameters()):
        raise ValueError("A rede não tem nenhum parâmetro treinável: todos estão com requires_grad=False "
                         "(congelados), e sem gradientes nada aprende. Descongele-os antes de treinar: "
                         "for p in net.parameters(): p.requires_grad_(True).")
    da_rede = {id(p) for p in net.parameters()}
    de_fora = [p for grupo in trainer.param_groups for p in grupo["params"] if id(p) not in da_rede]
    if de_fora:
        raise ValueError(f"O otimizador tem {inteiro(len(de_fora))} tensor(es) de parâmetros que não são desta "
                         "rede: ele foi criado com os parâmetros de outra rede (por exemplo, de uma rede criada "
                         "antes, numa célula que rodou de novo). Crie o otimizador depois da rede, com os "
                         "parâmetros dela: trainer = torch.optim.SGD(net.parameters(), lr=0.1).")


def materializar(net, train_iter, loss):
    """Camadas preguiçosas (``nn.LazyLinear``, ``nn.LazyConv2d``, como no d2l) ganham os pesos no 1º lote, avaliado
    antes do treino, como o d2l faz; devolve ``train_iter`` (com um gerador, o lote usado volta para a frente)."""
    if not any(is_lazy(p) for p in net.parameters()):
        return train_iter
    primeiro = next(iter(train_iter), None)
    if primeiro is None:  # sem lotes: train_validate diz isso adiante
        return train_iter
    evaluate_accuracy([primeiro], net, loss)
    return itertools.chain([primeiro], train_iter) if isinstance(train_iter, Iterator) else train_iter


def _erro_de_saidas(net, saidas, classes):
    lineares = [m for m in net.modules() if isinstance(m, nn.Linear)]
    exemplo = f"nn.Linear({lineares[-1].in_features}, {classes})" if lineares else f"uma camada com {classes} saídas"
    return ValueError(f"A última camada da rede tem {saidas} saídas, mas os rótulos vão de 0 a {classes - 1}: "
                      f"a rede precisa de uma saída por classe ({classes}). Troque a última camada por {exemplo}.")


def prever(net, X):
    """``net(X)``; um erro de forma dentro da rede vira uma mensagem em português (o original fica como causa)."""
    try:
        return net(X)
    except RuntimeError as erro:
        if isinstance(erro, torch.OutOfMemoryError):
            raise
        texto = str(erro)
        nome = lambda tipo: str(tipo).removeprefix("torch.")  # noqa: E731 - torch.float64 → float64
        tipos = sorted({nome(p.dtype) for p in net.parameters() if p.is_floating_point()})
        if X.is_floating_point() and tipos and tipos != [nome(X.dtype)]:
            raise TypeError(f"Os pesos da rede são {' e '.join(tipos)}, e as imagens, {nome(X.dtype)} ({texto}): as "
                            "contas pedem o mesmo tipo de número nos dois. O curso usa float32 em tudo: volte a rede "
                            "com net.float() (ou as imagens com X.float()).") from erro
        if "mat1 and mat2 shapes cannot be multiplied" in texto:
            raise ValueError(
                f"Uma camada nn.Linear da rede não aceitou o lote de forma {tuple(X.shape)} ({texto}). Uma "
                "nn.Linear recebe um vetor por imagem; antes da primeira nn.Linear falta nn.Flatten(), que "
                "achata cada imagem num vetor (por exemplo, nn.Sequential(nn.Flatten(), nn.Linear(784, 10))). "
                "Se o nn.Flatten() já está lá, confira o número de entradas da nn.Linear.") from erro
        raise ValueError(f"A rede não aceitou o lote de forma {tuple(X.shape)} (lote × canais × altura × "
                         f"largura): {texto}. Confira os canais e os tamanhos de cada camada; print(net) "
                         "mostra as camadas em ordem.") from erro


def conferir_saidas(net, y_hat, y, loss, classes=None):
    """Recusa, antes da conta da perda, saídas que não servem para classificar ``y`` (na GPU, o
    PyTorch daria só um erro assíncrono e a sessão inteira ficaria inutilizável)."""
    if y.is_floating_point() or not y.numel():
        return
    if isinstance(loss, PERDAS_DE_REGRESSAO):
        raise ValueError(
            f"A perda {type(loss).__name__} compara a saída da rede com números, mas os rótulos y são classes "
            f"(inteiros de 0 a {int(y.max())}): ela faria contas sem sentido com os números das classes. "
            "Para classificar, use loss = nn.CrossEntropyLoss().")
    if y_hat.dim() != 2:
        raise ValueError(
            f"A saída da rede tem forma {tuple(y_hat.shape)}, mas para classificar ela precisa ter forma "
            f"(lote, classes): uma linha por imagem, uma coluna por classe, como ({y.shape[0]}, 10). "
            + ("Não tire a dimensão das classes com .squeeze() ou .flatten(), e confira se a última camada é "
               "nn.Linear(..., 10)." if y_hat.dim() < 2 else
               "Falta nn.Flatten() antes das camadas densas (e uma nn.Linear(..., 10) no fim)?"))
    classes = classes or int(y.max()) + 1
    if y_hat.shape[1] < classes:
        raise _erro_de_saidas(net, y_hat.shape[1], classes)


def conferir_probabilidades(y_hat, loss):
    """No 1º lote do treino: ``nn.CrossEntropyLoss`` já aplica o softmax (um ``nn.Softmax`` no fim da
    rede só atrasa o aprendizado: aviso), e ``nn.NLLLoss`` espera log-probabilidades (sem elas, a perda
    cai sem limite, abaixo de zero: erro, antes de mexer nos pesos)."""
    if y_hat.dim() != 2 or not y_hat.is_floating_point():
        return
    y_hat = y_hat.detach().float()
    if isinstance(loss, nn.CrossEntropyLoss) and bool((y_hat >= 0).all()) and torch.allclose(
            y_hat.sum(dim=1), torch.ones_like(y_hat[:, 0]), atol=1e-3):
        warnings.warn("As saídas da rede já são probabilidades (cada linha soma 1: há um nn.Softmax no fim?), e "
                      "nn.CrossEntropyLoss aplica o softmax de novo: a rede aprende bem mais devagar. Tire o "
                      "nn.Softmax do fim da rede (a perda já o faz); para ver as probabilidades, use "
                      "torch.softmax(net(X), dim=1) fora do treino.", UserWarning, stacklevel=2)
    elif isinstance(loss, nn.NLLLoss) and not torch.allclose(y_hat.logsumexp(dim=1), torch.zeros_like(y_hat[:, 0]),
                                                             atol=1e-3):
        raise ValueError("nn.NLLLoss espera log-probabilidades (a saída de um nn.LogSoftmax(dim=1) no fim da "
                         "rede), e as saídas desta rede não são: com elas a perda fica negativa e cai sem limite, "
                         "e a rede não aprende. Ponha nn.LogSoftmax(dim=1) como última camada, ou troque a perda "
                         "por nn.CrossEntropyLoss(), que já faz as duas coisas.")


def calcular_perda(loss, net, y_hat, y):
    try:
        return loss(y_hat, y)
    except IndexError as erro:  # "Target 9 is out of bounds." na CPU
        if "out of bounds" not in str(erro):
            raise
        raise _erro_de_saidas(net, y_hat.shape[1], int(y.max()) + 1) from erro
    except (RuntimeError, ValueError) as erro:
        raise ValueError(f"A perda {type(loss).__name__} não aceitou a saída da rede, de forma "
                         f"{tuple(y_hat.shape)}, com os rótulos, de forma {tuple(y.shape)} ({erro}). Para "
                         "classificar, a saída deve ter forma (lote, classes) e a perda deve ser "
                         "nn.CrossEntropyLoss().") from erro


def soma_da_perda(l, loss, n):
    """Soma das perdas das ``n`` amostras do lote, qualquer que seja a redução da perda."""
    return l * n if loss.reduction == "mean" else l.sum()


def evaluate_accuracy(data_iter, net, loss):
    """Devolve ``(acurácia, perda)`` de ``net`` em ``data_iter``, ambas médias por amostra.

    A aula original dividia a perda pelo número de lotes (pesando demais um último lote
    menor). A rede roda com ``net.eval()``, e cada submódulo volta depois ao modo em que
    estava, mesmo com erro.
    """
    validar_modelo(net, loss)
    conferir_carregador("data_iter", data_iter)
    dispositivo = dispositivo_de(net)
    modos = [(m, m.training) for m in net.modules()]
    soma_l = torch.zeros((), device=dispositivo)
    acertos = torch.zeros((), device=dispositivo, dtype=torch.long)
    n = 0
    net.eval()
    try:
        with torch.no_grad():
            for X, y in data_iter:
                X, y = X.to(dispositivo, non_blocking=True), y.to(dispositivo, non_blocking=True)
                y_hat = prever(net, X)
                if n == 0:
                    conferir_saidas(net, y_hat, y, loss)
                soma_l += soma_da_perda(calcular_perda(loss, net, y_hat, y), loss, y.shape[0])
                acertos += (y_hat.argmax(dim=1) == y).sum()
                n += y.shape[0]
    finally:
        for modulo, treinando in modos:
            modulo.training = treinando
    if n == 0:
        raise ValueError("data_iter não entregou nenhum lote: confira o carregador de dados.")
    return acertos.item() / n, soma_l.item() / n
