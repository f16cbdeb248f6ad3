"""Os erros de uso que um teste de fuzzing achou no laço de treino: cada um com a causa real, em português.

Cada teste falhava antes (a mensagem culpava a taxa de aprendizado, o erro vinha em
inglês, o treino seguia em silêncio ou perdia a 1ª época) e passa agora.
"""
import pytest
import torch
from torch import nn

from cursoconv import ambiente, utils


@pytest.fixture(autouse=True)
def _sem_modo_rapido(monkeypatch):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)


def _dados(n=16, lote=4):
    gerador = torch.Generator().manual_seed(0)
    return utils.CarregadorDeTensores(torch.rand(n, 1, 28, 28, generator=gerador), torch.arange(n) % 10, lote, False)


def _pecas(net=None):
    torch.manual_seed(0)
    net = net or nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    return net, torch.optim.SGD(net.parameters(), lr=0.1), nn.CrossEntropyLoss()


def _pesos(net):
    return [p.detach().clone() for p in net.parameters()]


def _treinar(net, trainer, loss, train_iter=None, test_iter=None, epocas=2, lote=4):
    return utils.train_validate(net, train_iter or _dados(), test_iter or _dados(), lote, trainer, loss, epocas,
                                device="cpu")


def test_pesos_ja_nan_antes_do_treino():
    net, trainer, loss = _pecas()
    with torch.no_grad():
        net[1].weight[0, 0] = float("nan")
    with pytest.raises(ValueError, match=r"já tem pesos NaN ou infinitos antes do treino \(em 1.weight\)") as erro:
        _treinar(net, trainer, loss)
    assert "taxa de aprendizado (lr) menor" not in str(erro.value) and "Crie a rede de novo" in str(erro.value)


def test_pixel_nan_no_carregador_do_curso():
    net, trainer, loss = _pecas()
    antes = _pesos(net)
    dados = _dados()
    dados.dataset.tensors[0][5, 0, 3, 3] = float("nan")
    with pytest.raises(ValueError, match=r"train_iter tem 1 imagem\(ns\) com pixels NaN.*índice 5"):
        _treinar(net, trainer, loss, train_iter=dados)
    with pytest.raises(ValueError, match="test_iter tem 1 imagem"):
        _treinar(net, trainer, loss, test_iter=dados)
    assert all(torch.equal(a, p) for a, p in zip(antes, net.parameters()))  # nada treinado


def test_pixel_nan_num_carregador_qualquer_culpa_os_dados():
    net, trainer, loss = _pecas()
    lotes = [(X.clone(), y) for X, y in _dados()]
    lotes[2][0][1, 0, 0, 0] = float("nan")
    with pytest.raises(utils.TreinoDivergiu) as erro:
        _treinar(net, trainer, loss, train_iter=lotes)
    mensagem = str(erro.value)
    assert "iteração 3" in mensagem and "pixels NaN ou infinitos" in mensagem and "lr) menor" not in mensagem
    assert all(torch.isfinite(p).all() for p in net.parameters())


def test_nan_so_na_avaliacao_para_com_erro_claro():
    net, trainer, loss = _pecas()
    teste = [(X.clone(), y) for X, y in _dados()]
    teste[1][0][0] = float("nan")
    with pytest.raises(utils.AvaliacaoInvalida) as erro:
        _treinar(net, trainer, loss, test_iter=teste, epocas=3)
    e = erro.value
    assert e.epoca == 1 and e.historico["perda_teste"] == []
    assert "perda de teste deu NaN" in str(e) and "não é a taxa de aprendizado" in str(e)


def test_otimizador_de_outra_rede():
    net, _, loss = _pecas()
    outra = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    trainer = torch.optim.SGD(outra.parameters(), lr=0.1)
    antes = _pesos(net)
    with pytest.raises(ValueError, match="parâmetros de outra rede") as erro:
        _treinar(net, trainer, loss)
    assert "torch.optim.SGD(net.parameters()" in str(erro.value)
    assert all(torch.equal(a, p) for a, p in zip(antes, net.parameters()))
    assert all(p.grad is None for p in outra.parameters())


def test_linear_sem_flatten_explica_em_portugues():
    net, trainer, loss = _pecas(nn.Sequential(nn.Linear(784, 10)))
    with pytest.raises(ValueError, match=r"falta nn\.Flatten\(\)") as erro:
        _treinar(net, trainer, loss)
    assert isinstance(erro.value.__cause__, RuntimeError)
    assert "mat1 and mat2" in str(erro.value.__cause__)  # o erro do PyTorch fica como causa
    with pytest.raises(ValueError, match=r"falta nn\.Flatten\(\)"):
        utils.evaluate_accuracy(_dados(), net, loss)


def test_mse_com_rotulos_de_classe():
    net, trainer, _ = _pecas()
    for lote in (4, 10):  # com 10 imagens por lote o PyTorch nem reclamaria: faria contas sem sentido
        with pytest.raises(ValueError, match=r"MSELoss.*classes.*nn\.CrossEntropyLoss\(\)"):
            _treinar(net, trainer, nn.MSELoss(), train_iter=_dados(20, lote), lote=lote)


def test_saida_de_uma_dimensao():
    class UmNumero(nn.Module):
        def __init__(self):
            super().__init__()
            self.camada = nn.Sequential(nn.Flatten(), nn.Linear(784, 1))

        def forward(self, X):
            return self.camada(X).squeeze(1)

    net, trainer, loss = _pecas(UmNumero())
    with pytest.raises(ValueError, match=r"forma \(4,\).*\(lote, classes\).*squeeze"):
        _treinar(net, trainer, loss)


def test_gerador_para_duas_epocas_recusado_antes_de_treinar():
    net, trainer, loss = _pecas()
    antes = _pesos(net)
    gerador = (lote for lote in _dados())
    with pytest.raises(TypeError, match=r"train_iter é um gerador.*num_epochs=2.*list\(train_iter\)"):
        _treinar(net, trainer, loss, train_iter=gerador)
    assert all(torch.equal(a, p) for a, p in zip(antes, net.parameters()))
    assert next(gerador)  # nada foi consumido: list(gerador) ainda tem todos os lotes
    hist = _treinar(net, trainer, loss, train_iter=list(_dados()))
    assert len(hist["perda_treino"]) == 2
    assert len(_treinar(*_pecas(), train_iter=(lote for lote in _dados()), epocas=1)["tempo"]) == 1


def test_batch_size_diferente_do_lote_do_carregador():
    net, trainer, loss = _pecas()
    with pytest.raises(ValueError, match=r"batch_size=64, mas os lotes de train_iter têm 4 imagens"):
        _treinar(net, trainer, loss, lote=64)


def test_iteracao_escrita_como_palavra_no_modulo():
    """Sobras de uma troca mecânica ("Um iteracao", "o iteracao é gravado") não voltam."""
    import inspect
    import re
    from pathlib import Path

    import cursoconv
    sobra = re.compile(r"\b(o|um|do|no|ao|pelo)\s+iteracao\b", re.IGNORECASE)
    for arquivo in Path(cursoconv.__file__).parent.rglob("*.py"):
        achadas = [linha for linha in arquivo.read_text(encoding="utf-8").splitlines() if sobra.search(linha)]
        assert not achadas, (arquivo, achadas)
    ajuda = inspect.getdoc(utils.train_validate)
    assert "iteração de treino é gravada" in ajuda and not sobra.search(ajuda)


def test_pixel_nan_posto_depois_de_um_treino_limpo_ainda_e_pego():
    """A conferência das imagens fica guardada entre chamadas (uma época por chamada não paga a conta
    de novo), mas um pixel mudado no lugar depois disso é visto na chamada seguinte."""
    net, trainer, loss = _pecas()
    dados = _dados()
    _treinar(net, trainer, loss, train_iter=dados, epocas=1)
    assert len(dados.imagens_ruins()) == 0 and dados._conferido is not None  # guardada
    dados.dataset.tensors[0][7, 0, 0, 0] = float("inf")
    with pytest.raises(ValueError, match=r"train_iter tem 1 imagem\(ns\) com pixels NaN.*índice 7"):
        _treinar(net, trainer, loss, train_iter=dados)
    novo = utils.CarregadorDeTensores(torch.full((4, 1, 2, 2), 3e38), torch.arange(4), 2, False)
    assert len(novo.imagens_ruins()) == 0  # a soma estoura, mas nenhum pixel é infinito


@pytest.mark.parametrize("veneno", [None, 2, 5])
def test_iteracao_na_cpu_soma_igual_a_dos_tensores(veneno):
    """A iteração da CPU (somas em números do Python) e a dos tensores (GPU) dão os mesmos totais e a
    mesma iteração ruim, com e sem um lote envenenado (pixel infinito)."""
    from cursoconv import treino
    resultados = []
    for tipo in (treino.Iteracao, treino.IteracaoNaCPU):
        net, trainer, loss = _pecas()
        passo = tipo(net, trainer, loss, torch.device("cpu"), 10)
        for i, (X, y) in enumerate(_dados(32, 4), 1):
            passo(X.clone().index_fill_(0, torch.tensor([0]), float("inf")) if i == veneno else X, y)
        resultados.append((*passo.totais(), passo.iteracao_ruim(), passo.lote_ruim()))
    (soma_t, certos_t, ruim_t, lote_t), (soma_c, certos_c, ruim_c, lote_c) = resultados
    assert (certos_t, ruim_t, lote_t) == (certos_c, ruim_c, lote_c)
    assert ruim_c == (veneno or -1) and lote_c == bool(veneno)
    assert soma_t == pytest.approx(soma_c, rel=1e-6, nan_ok=True)


@pytest.mark.parametrize("chamar", [
    lambda net, trainer, loss, lote: utils.evaluate_accuracy(lote, net, loss),
    lambda net, trainer, loss, lote: utils.train_validate(net, lote, [lote], 4, trainer, loss, 1, device="cpu"),
])
def test_um_lote_solto_no_lugar_do_carregador(chamar):
    # Antes (segunda passada de fuzzing): evaluate_accuracy((X, y), net, loss) dava "ValueError: too many
    # values to unpack (expected 2)", em inglês e sem dizer que (X, y) é um lote, não um carregador.
    net, trainer, loss = _pecas()
    lote = next(iter(_dados()))
    with pytest.raises(TypeError, match=r"um lote só.*\[\(X, y\)\]"):
        chamar(net, trainer, loss, lote)


def test_carregadores_trocados_de_lugar():
    # Antes (segunda passada de fuzzing): train_validate(net, valid_iter, train_iter, ...) treinava calado
    # com a validação e chamava de "perda_teste" a perda medida no próprio treino.
    net, trainer, loss = _pecas()
    treino, validacao = utils.dividir_validacao(_dados(20, 4), 5)
    with pytest.raises(ValueError, match="train_iter é o carregador de validação"):
        utils.train_validate(net, validacao, treino, 4, trainer, loss, 1, device="cpu")
    with pytest.raises(ValueError, match="test_iter é o carregador de treino"):
        utils.train_validate(net, treino, treino, 4, trainer, loss, 1, device="cpu")


def test_softmax_no_fim_com_entropia_cruzada_avisa():
    """nn.CrossEntropyLoss já aplica o softmax: um nn.Softmax no fim da rede treina mal, sem erro."""
    net, trainer, loss = _pecas(nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.Softmax(dim=1)))
    with pytest.warns(UserWarning, match=r"já são probabilidades.*Tire o nn.Softmax"):
        _treinar(net, trainer, loss, epocas=1)


def test_nll_sem_log_softmax_recusado_antes_de_estragar_a_rede():
    """nn.NLLLoss espera log-probabilidades: com a saída crua, a perda cai sem limite (negativa)."""
    net, trainer, _ = _pecas()
    antes = _pesos(net)
    with pytest.raises(ValueError, match=r"nn.NLLLoss espera log-probabilidades.*nn.LogSoftmax\(dim=1\)"):
        _treinar(net, trainer, nn.NLLLoss())
    assert all(torch.equal(a, p) for a, p in zip(antes, net.parameters()))
    net, trainer, _ = _pecas(nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.LogSoftmax(dim=1)))
    historico = _treinar(net, trainer, nn.NLLLoss(), epocas=1)  # o certo segue sem aviso
    assert historico["perda_treino"][0] > 0


def test_rede_sem_parametro_treinavel():
    net, trainer, loss = _pecas()
    for p in net.parameters():
        p.requires_grad_(False)
    with pytest.raises(ValueError, match=r"nenhum parâmetro treinável.*requires_grad_\(True\)"):
        _treinar(net, trainer, loss)


@pytest.mark.parametrize("converter", [nn.Module.double, nn.Module.half])
def test_rede_com_outro_tipo_de_numero_diz_o_tipo_e_nao_a_forma(converter):
    """Antes: "A rede não aceitou o lote ... mat1 and mat2 must have the same dtype ... Confira os canais e os
    tamanhos de cada camada", que culpava a forma. Agora diz os dois tipos e o conserto."""
    for net in (nn.Sequential(nn.Flatten(), nn.Linear(784, 10)),
                nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2 * 26 * 26, 10))):
        net, trainer, loss = _pecas(converter(net))
        antes = _pesos(net)
        esperado = r"Os pesos da rede são float(64|16), e as imagens, float32 .*net\.float\(\)"
        with pytest.raises(TypeError, match=esperado) as erro:
            _treinar(net, trainer, loss)
        assert "Confira os canais" not in str(erro.value)
        with pytest.raises(TypeError, match=esperado):
            utils.evaluate_accuracy(_dados(), net, loss)
        assert all(torch.equal(a, p) for a, p in zip(antes, net.parameters()))


def _preguicosa():
    """Uma LeNet com camadas preguiçosas, como a do d2l: os pesos só nascem no 1º lote."""
    return nn.Sequential(nn.LazyConv2d(2, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2), nn.Flatten(),
                         nn.LazyLinear(16), nn.Sigmoid(), nn.LazyLinear(10))


def test_camadas_preguicosas_treinam_como_no_d2l():
    """Antes: "Attempted to use an uninitialized parameter in <built-in method isfinite ...>" em inglês, antes de
    treinar. O otimizador criado antes dos pesos nascerem (como no d2l) treina os pesos de verdade."""
    net, trainer, loss = _pecas(_preguicosa())
    historico = _treinar(net, trainer, loss)
    assert len(historico["perda_treino"]) == 2
    assert not any(nn.parameter.is_lazy(p) for p in net.parameters())
    antes = _pesos(net)
    _treinar(net, trainer, loss, epocas=1)
    assert all(not torch.equal(a, p) for a, p in zip(antes, net.parameters()))  # o otimizador vê os pesos novos


def test_camadas_preguicosas_com_um_gerador_nao_perdem_o_primeiro_lote():
    """Com um gerador (uma época), o lote que dá os pesos à rede volta para o treino: os 4 lotes treinam."""
    net, trainer, loss = _pecas(_preguicosa())
    treinados = []
    net.register_forward_hook(lambda modulo, entrada, saida: treinados.append(len(entrada[0])) if modulo.training
                              else None)
    lotes = list(_dados())
    historico = _treinar(net, trainer, loss, train_iter=iter(lotes), epocas=1)
    assert treinados == [4, 4, 4, 4] and len(historico["perda_treino"]) == 1
